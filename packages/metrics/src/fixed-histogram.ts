import { escapeLabelValue, LABEL_NAME } from './names.js'
import { braces, formatValue } from './exposition.js'
import type { ExpositionFormat } from './negotiate.js'
import type { SampleValue } from './self-rendered-family.js'

/** Labels linking one observation to a trace, e.g. `{ trace_id, span_id }`. */
export type ExemplarLabels = Readonly<Record<string, string>>

interface Exemplar {
  labels: ExemplarLabels
  value: number
  /** Seconds since the epoch, as OpenMetrics writes it. */
  timestamp: number
}

// OpenMetrics: the names and values of an exemplar's labels MUST NOT exceed 128 UTF-8 characters.
const MAX_EXEMPLAR_RUNES = 128

/**
 * A histogram with fixed buckets and one series: counts per bucket (not cumulative, so an
 * observation touches one slot), sum, count, and the latest exemplar per bucket.
 */
export class FixedHistogram {
  readonly counts: Float64Array
  sum = 0
  count = 0
  private exemplars: Array<Exemplar | undefined> | undefined
  private samples: {
    name: string
    labels: Readonly<Record<string, string>>
    bucketLabels: Array<Record<string, string | number>>
    values: SampleValue[]
  } | undefined

  constructor (readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  /** Records a value and returns the index of the bucket it fell in. */
  observe (value: number): number {
    const bounds = this.bounds
    const n = bounds.length
    let i = 0
    while (i < n && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
    return i
  }

  setExemplar (bucket: number, value: number, labels: ExemplarLabels): void {
    this.exemplars ??= new Array(this.counts.length)
    this.exemplars[bucket] = { labels, value, timestamp: Date.now() / 1000 }
  }

  reset (): void {
    this.counts.fill(0)
    this.sum = 0
    this.count = 0
    this.exemplars = undefined
  }

  /**
   * `_bucket`, `_sum` and `_count` lines. `pairs` are the series' own label pairs, `defaults` the
   * default-label pairs, `les` the rendered `le="…"` pairs of the family (one per bucket).
   */
  render (name: string, pairs: string, defaults: string, les: readonly string[], format: ExpositionFormat): string {
    const labels = pairs === '' ? defaults : defaults === '' ? pairs : `${pairs},${defaults}`
    const bucketHead = labels === '' ? '{' : `{${labels},`
    const exemplars = format === 'openmetrics' ? this.exemplars : undefined
    let out = ''
    let cumulative = 0
    for (let i = 0; i < les.length; i++) {
      cumulative += this.counts[i]!
      out += `${name}_bucket${bucketHead}${les[i]}} ${cumulative}`
      const exemplar = exemplars?.[i]
      if (exemplar !== undefined) out += renderExemplar(exemplar)
      out += '\n'
    }
    const braced = braces(pairs, defaults)
    out += `${name}_sum${braced} ${formatValue(this.sum)}\n`
    out += `${name}_count${braced} ${this.count}\n`
    return out
  }

  /**
   * The same samples as @prometheus-io/client value objects (cumulative buckets, `_sum`,
   * `_count`). The objects are built once and updated in place on every call, as the client's own
   * counters do: a reader that polls (the alert engine) allocates nothing and sees stable label
   * objects.
   */
  values (name: string, labels: Readonly<Record<string, string>>): readonly SampleValue[] {
    let samples = this.samples
    if (samples === undefined || samples.name !== name || samples.labels !== labels) {
      const bucketLabels: Array<Record<string, string | number>> = []
      const values: SampleValue[] = []
      for (let i = 0; i < this.counts.length; i++) {
        bucketLabels.push({ ...labels, le: i < this.bounds.length ? this.bounds[i]! : '+Inf' })
        values.push({ metricName: `${name}_bucket`, labels: bucketLabels[i]!, value: 0 })
      }
      values.push({ metricName: `${name}_sum`, labels, value: 0 }, { metricName: `${name}_count`, labels, value: 0 })
      samples = this.samples = { name, labels, bucketLabels, values }
    }
    const { values, bucketLabels } = samples
    let cumulative = 0
    for (let i = 0; i < this.counts.length; i++) {
      cumulative += this.counts[i]!
      const sample = values[i]!
      sample.value = cumulative
      // The client's getMetricsAsJSON() replaces `labels` on what it is given: put ours back.
      sample.labels = bucketLabels[i]!
    }
    values[this.counts.length]!.value = this.sum
    values[this.counts.length]!.labels = labels
    values[this.counts.length + 1]!.value = this.count
    values[this.counts.length + 1]!.labels = labels
    return values
  }
}

/** `le="…"` label pairs for a family's buckets, +Inf included. */
export function renderLes (bounds: readonly number[]): readonly string[] {
  return [...bounds.map((b) => `le="${formatValue(b)}"`), 'le="+Inf"']
}

function renderExemplar (exemplar: Exemplar): string {
  let pairs = ''
  let runes = 0
  for (const name in exemplar.labels) {
    // A bad name would make the whole scrape invalid: drop the exemplar, keep the sample.
    if (!LABEL_NAME.test(name)) return ''
    const value = exemplar.labels[name]!
    runes += runeLength(name) + runeLength(value)
    if (pairs !== '') pairs += ','
    pairs += `${name}="${escapeLabelValue(value)}"`
  }
  // So would an over-long one.
  if (runes > MAX_EXEMPLAR_RUNES) return ''
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
