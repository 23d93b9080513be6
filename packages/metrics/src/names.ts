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

const NEEDS_ESCAPE = /[\\\n"]/

/** Escapes a label value for both exposition formats: backslash, newline and double quote. */
export function escapeLabelValue (value: unknown): string {
  const text = typeof value === 'string' ? value : String(value)
  if (!NEEDS_ESCAPE.test(text)) return text
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

/**
 * `name="value",…`, escaped once so that it can be reused on every scrape. Names in `except`
 * are left out: the default labels, which win over a series' own.
 */
export function labelPairs (labels: Readonly<Record<string, unknown>>, except?: Readonly<Record<string, unknown>>): string {
  let out = ''
  for (const name in labels) {
    if (labels[name] === undefined || (except !== undefined && Object.hasOwn(except, name))) continue
    if (out !== '') out += ','
    out += `${name}="${escapeLabelValue(labels[name])}"`
  }
  return out
}
