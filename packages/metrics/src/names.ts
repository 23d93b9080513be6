import { InvalidLabelNameError, InvalidMetricNameError, ReservedLabelError } from './errors.js'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** Label names that mean something to Prometheus itself in the families where they appear. */
const PROMETHEUS_RESERVED: Record<string, string> = {
  le: 'Prometheus uses it for histogram buckets',
  quantile: 'Prometheus uses it for summary quantiles'
}

export function assertMetricName (name: string): void {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) throw new InvalidMetricNameError(String(name))
}

export function assertLabelName (name: string, owner: string): void {
  if (typeof name !== 'string' || !LABEL_NAME.test(name) || name.startsWith('__')) {
    throw new InvalidLabelNameError(String(name), owner)
  }
}

/**
 * Validates the label names of one metric. `taken` maps names that are already used on every
 * series (the default labels) to the reason, so that they can never be shadowed.
 */
export function assertLabelNames (names: readonly string[], owner: string, taken: ReadonlyMap<string, string>): void {
  const seen = new Set<string>()
  for (const name of names) {
    assertLabelName(name, owner)
    const reason = PROMETHEUS_RESERVED[name] ?? taken.get(name)
    if (reason !== undefined) throw new ReservedLabelError(name, owner, reason)
    if (seen.has(name)) throw new InvalidLabelNameError(name, `${owner} (declared twice)`)
    seen.add(name)
  }
}

/** The value of every label of the series that takes observations over the cap on label sets. */
export const OVERFLOW = '__overflow__'
