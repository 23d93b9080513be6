import type { MetricValue, Registry } from '@prometheus-io/client'
import { labelPairs } from './names.js'
import type { ExpositionFormat } from './negotiate.js'

/**
 * A family that renders itself from its own state (the request metrics do, so a scrape never
 * builds label objects). Anything else in the registry is a plain @prometheus-io/client metric.
 */
export interface SelfRenderingMetric {
  renderExposition (format: ExpositionFormat, defaultLabels: string): string
}

export function isSelfRendering (metric: object): metric is SelfRenderingMetric {
  return typeof (metric as Partial<SelfRenderingMetric>).renderExposition === 'function'
}

export function formatValue (value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

function escapeHelp (help: string, format: ExpositionFormat): string {
  let text = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
  if (format === 'openmetrics') text = text.replace(/"/g, '\\"')
  return text
}

/**
 * The `# HELP` and `# TYPE` lines. In OpenMetrics a counter family is named without `_total`
 * and its samples carry the suffix; `untyped` is called `unknown`.
 */
export function familyHeader (name: string, type: string, help: string, format: ExpositionFormat): string {
  let family = name
  let omType = type
  if (format === 'openmetrics') {
    if (type === 'counter' && name.endsWith('_total')) family = name.slice(0, -6)
    if (type === 'untyped') omType = 'unknown'
  }
  return `# HELP ${family} ${escapeHelp(help, format)}\n# TYPE ${family} ${omType}\n`
}

/** The name a counter's samples carry: always `_total` in OpenMetrics, as declared otherwise. */
export function counterSampleName (name: string, format: ExpositionFormat): string {
  return format === 'openmetrics' && !name.endsWith('_total') ? `${name}_total` : name
}

/** `{a="1",b="2"}` from a sample's own pairs and the default-label pairs (either may be empty). */
export function braces (pairs: string, defaults: string): string {
  if (pairs === '') return defaults === '' ? '' : `{${defaults}}`
  return defaults === '' ? `{${pairs}}` : `{${pairs},${defaults}}`
}

/** A family as @prometheus-io/client's `metric.get()` returns it. */
export interface MetricObject {
  name: string
  help: string
  type: string
  /** An unlabelled summary's `_sum` and `_count` come without a labels object (client_js#838). */
  values: Array<{ value: number, labels?: MetricValue<string>['labels'], metricName?: string }>
}

/** Renders one client metric object (counter, gauge, histogram, summary) in either format. */
export function renderMetricObject (
  metric: MetricObject,
  format: ExpositionFormat,
  defaultLabels: Readonly<Record<string, string>>,
  defaults: string
): string {
  let out = familyHeader(metric.name, metric.type, metric.help, format)
  const isCounter = metric.type === 'counter'
  for (const value of metric.values) {
    const sampleName = value.metricName ?? metric.name
    const name = isCounter ? counterSampleName(sampleName, format) : sampleName
    // The client puts `le` and `quantile` first; they read better last, as in our own families.
    const { le, quantile, ...labels } = (value.labels ?? {}) as Record<string, string | number | undefined>
    const own = labelPairs({ ...labels, le, quantile }, defaultLabels)
    out += `${name}${braces(own, defaults)} ${formatValue(value.value)}\n`
  }
  return out
}

/** The client keeps the registry's default labels private; they are part of what we expose. */
export function registryDefaultLabels (registry: Registry): Record<string, string> {
  return (registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels ?? {}
}
