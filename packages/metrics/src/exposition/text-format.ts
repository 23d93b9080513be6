// The Prometheus text format (0.0.4) and OpenMetrics 1.0, written here and nowhere else: values,
// label pairs, family headers, histogram lines and exemplars. Everything that renders a metric
// calls these (prom-client's registry.js is the model: the metrics keep data, one place writes).
import type { MetricValue, Registry } from '@prometheus-io/client'
import { LABEL_NAME } from '../names.js'
import type { ExpositionFormat } from './negotiate.js'

export function formatValue (value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
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

/** `{a="1",b="2"}` from a sample's own pairs and the default-label pairs (either may be empty). */
export function braces (pairs: string, defaults: string): string {
  if (pairs === '') return defaults === '' ? '' : `{${defaults}}`
  return defaults === '' ? `{${pairs}}` : `{${pairs},${defaults}}`
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

/** One sample line: `name{pairs,defaults} value`. */
export function sampleLine (name: string, pairs: string, defaults: string, value: number): string {
  return `${name}${braces(pairs, defaults)} ${formatValue(value)}\n`
}

/** `le="…"` label pairs for a family's buckets, +Inf included. */
export function renderLes (bounds: readonly number[]): readonly string[] {
  return [...bounds.map((b) => `le="${formatValue(b)}"`), 'le="+Inf"']
}

/** Labels linking one observation to a trace, e.g. `{ trace_id, span_id }`. */
export type ExemplarLabels = Readonly<Record<string, string>>

export interface Exemplar {
  readonly labels: ExemplarLabels
  readonly value: number
  /** Seconds since the epoch, as OpenMetrics writes it. */
  readonly timestamp: number
}

/** What the lines of one histogram series are written from. */
export interface HistogramData {
  /** The finite upper bounds of the buckets. */
  readonly bounds: readonly number[]
  /** Counts per bucket, not cumulative, the +Inf bucket last. */
  readonly counts: ArrayLike<number>
  readonly sum: number
  readonly count: number
  /** The latest exemplar per bucket, if any. */
  readonly exemplars: ReadonlyArray<Exemplar | undefined> | undefined
}

/**
 * `_bucket`, `_sum` and `_count` lines. `pairs` are the series' own label pairs, `defaults` the
 * default-label pairs, `les` the rendered `le="…"` pairs of the family (one per bucket).
 * Exemplars are written in OpenMetrics only.
 */
export function histogramLines (name: string, data: HistogramData, pairs: string, defaults: string, les: readonly string[], format: ExpositionFormat): string {
  const labels = pairs === '' ? defaults : defaults === '' ? pairs : `${pairs},${defaults}`
  const bucketHead = labels === '' ? '{' : `{${labels},`
  const exemplars = format === 'openmetrics' ? data.exemplars : undefined
  let out = ''
  let cumulative = 0
  for (let i = 0; i < les.length; i++) {
    cumulative += data.counts[i]!
    out += `${name}_bucket${bucketHead}${les[i]}} ${cumulative}`
    const exemplar = exemplars?.[i]
    if (exemplar !== undefined) out += exemplarText(exemplar)
    out += '\n'
  }
  const braced = braces(pairs, defaults)
  out += `${name}_sum${braced} ${formatValue(data.sum)}\n`
  out += `${name}_count${braced} ${data.count}\n`
  return out
}

// OpenMetrics: the names and values of an exemplar's labels MUST NOT exceed 128 UTF-8 characters.
const MAX_EXEMPLAR_RUNES = 128

/**
 * Whether an exemplar can be written without making the scrape invalid: label names that are
 * names, and labels within OpenMetrics' 128 characters. Otherwise the exemplar is dropped and
 * the sample kept, in every format.
 */
export function isWritableExemplar (exemplar: Exemplar): boolean {
  let runes = 0
  for (const name in exemplar.labels) {
    if (!LABEL_NAME.test(name)) return false
    runes += runeLength(name) + runeLength(exemplar.labels[name]!)
  }
  return runes <= MAX_EXEMPLAR_RUNES
}

/** ` # {labels} value timestamp`, or nothing when the exemplar would make the scrape invalid. */
function exemplarText (exemplar: Exemplar): string {
  if (!isWritableExemplar(exemplar)) return ''
  let pairs = ''
  for (const name in exemplar.labels) {
    if (pairs !== '') pairs += ','
    pairs += `${name}="${escapeLabelValue(exemplar.labels[name]!)}"`
  }
  return ` # {${pairs}} ${formatValue(exemplar.value)} ${exemplar.timestamp.toFixed(3)}`
}

/** Code points as UTF-8 writes them: a surrogate pair is one, an unpaired surrogate one too (U+FFFD). */
function runeLength (text: string): number {
  let runes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    // Only a high surrogate followed by a low one makes a pair; skip the low half then.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    runes++
  }
  return runes
}

/** A family as @prometheus-io/client's `metric.get()` returns it. */
export interface MetricObject {
  name: string
  help: string
  type: string
  /** An unlabelled summary's `_sum` and `_count` come without a labels object (client_js#838). */
  values: Array<{ value: number, labels?: MetricValue<string>['labels'], metricName?: string }>
}

/**
 * The label pairs of one client value object. The client puts `le` and `quantile` first; they
 * read better last, as in our own families.
 */
export function valuePairs (labels: MetricValue<string>['labels'] | undefined, defaultLabels: Readonly<Record<string, string>>): string {
  if (labels === undefined) return ''
  if (!('le' in labels) && !('quantile' in labels)) return labelPairs(labels, defaultLabels)
  const { le, quantile, ...rest } = labels as Record<string, string | number | undefined>
  return labelPairs({ ...rest, le, quantile }, defaultLabels)
}

/** One sample line of a client metric object (counter, gauge, histogram, summary), in either format. */
export function valueLine (
  metric: Pick<MetricObject, 'name' | 'type'>,
  value: MetricObject['values'][number],
  format: ExpositionFormat,
  defaultLabels: Readonly<Record<string, string>>,
  defaults: string
): string {
  const sampleName = value.metricName ?? metric.name
  const name = metric.type === 'counter' ? counterSampleName(sampleName, format) : sampleName
  return sampleLine(name, valuePairs(value.labels, defaultLabels), defaults, value.value)
}

/** The client keeps the registry's default labels private; they are part of what we expose. */
export function registryDefaultLabels (registry: Registry): Record<string, string> {
  return (registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels ?? {}
}
