import type { MetricValue } from '@prometheus-io/client'
import type { NativeHistogramSeries, NativeHistogramSnapshot } from '../native/snapshot.js'
import { type LabelSet, type ProtobufExposition, type ProtobufMetricType } from './protobuf-format.js'
import type { Exemplar, HistogramData, MetricObject } from './text-format.js'

// The series of plain @prometheus-io/client metrics in the protobuf format, a step per series:
// read from the client's label store as they are written (see client-metric.ts), or from what
// `get()` returned for the metrics that cannot be read that way.

/** An exemplar as @prometheus-io/client keeps it on a counter or a histogram bucket. */
export interface ClientExemplar { labelSet?: Record<string, string | number>, value?: number | null, timestamp?: number }

/** A counter's or gauge's entry in the client's label store: the value object `get()` returns. */
export interface ScalarEntry { value: number, labels: MetricValue<string>['labels'], exemplar?: ClientExemplar | null }

/** A histogram's entry in the client's label store: counts per upper bound, not cumulative. */
export interface HistogramEntry {
  labels: MetricValue<string>['labels']
  bucketValues: Record<number, number>
  bucketExemplars?: Record<number, ClientExemplar | null | undefined>
  sum: number
  count: number
  /** The series' native buckets, on a histogram that keeps them on its entries (see `NativeOnEntries`). */
  native?: { snapshot (): NativeHistogramSnapshot }
}

/**
 * A histogram that keeps each series' native buckets on the series' entry in the client's store
 * (`HistogramEntry.native`), as the app histograms with `native` do: a scrape reads them from
 * the entry it collected, in the same step as its classic values.
 */
export interface NativeOnEntries {
  readonly nativeOnEntries: true
}

export function keepsNativeOnEntries (metric: object): metric is NativeOnEntries {
  return (metric as Partial<NativeOnEntries>).nativeOnEntries === true
}

/** Counter or gauge entries of the store. */
export function * scalarEntries (out: ProtobufExposition, type: 'counter' | 'gauge', entries: readonly ScalarEntry[]): Iterable<void> {
  for (const entry of entries) {
    if (type === 'counter') out.counter(entry.labels, entry.value, exemplarOf(entry.exemplar))
    else out.gauge(entry.labels, entry.value)
    yield
  }
}

/**
 * Histogram entries of the store, each with its native buckets when `withNative`: a series' count
 * and its native buckets are read in the same step and from the same collected entry, so that
 * neither observations made while the scrape runs nor a reset or removal of the series (after
 * which the store holds another entry for its labels) give Prometheus a histogram whose buckets
 * and count disagree.
 */
export function * histogramEntries (out: ProtobufExposition, bounds: readonly number[], entries: readonly HistogramEntry[], withNative: boolean): Iterable<void> {
  for (const entry of entries) {
    const counts: number[] = []
    const exemplars: Array<Exemplar | undefined> = []
    let below = 0
    for (const bound of bounds) {
      const count = entry.bucketValues[bound]!
      counts.push(count)
      exemplars.push(exemplarOf(entry.bucketExemplars?.[bound]))
      below += count
    }
    counts.push(entry.count - below)
    // The client keeps the +Inf bucket's exemplar under -1.
    exemplars.push(exemplarOf(entry.bucketExemplars?.[-1]))
    const native = withNative ? entry.native?.snapshot() : undefined
    out.histogram(entry.labels, { bounds, counts, sum: entry.sum, count: entry.count, exemplars }, native)
    yield
  }
}

/** A value as @prometheus-io/client gives it, with the exemplar its counters and histogram buckets may carry. */
type ClientValue = MetricObject['values'][number] & { exemplar?: ClientExemplar | null }

/**
 * The series of what a metric's `get()` returned. `natives`, read in the same turn as `get()`
 * resolved, are the native buckets of a histogram that keeps them.
 */
export function * objectSeries (out: ProtobufExposition, metric: MetricObject, natives: readonly NativeHistogramSeries[] | undefined): Iterable<void> {
  const values = metric.values as ClientValue[]
  switch (metric.type) {
    case 'counter':
      for (const v of values) {
        out.counter(v.labels ?? {}, v.value, exemplarOf(v.exemplar))
        yield
      }
      break
    case 'gauge':
      for (const v of values) {
        out.gauge(v.labels ?? {}, v.value)
        yield
      }
      break
    case 'histogram': {
      const bySeries = natives === undefined ? undefined : new Map(natives.map((s) => [seriesKey(s.labels), s.histogram]))
      for (const series of groupSeries(metric.name, values, 'le')) {
        out.histogram(series.labels, classicHistogram(series), bySeries?.get(seriesKey(series.labels)))
        yield
      }
      break
    }
    case 'summary':
      for (const series of groupSeries(metric.name, values, 'quantile')) {
        out.summary(series.labels, series.count, series.sum, series.points.map(([quantile, value]) => [Number(quantile), value]))
        yield
      }
      break
    default:
      for (const v of values) {
        out.untyped(v.labels ?? {}, v.value)
        yield
      }
  }
}

export function protobufType (type: string): ProtobufMetricType {
  return type === 'counter' || type === 'gauge' || type === 'histogram' || type === 'summary' ? type : 'untyped'
}

/** The samples of one histogram or summary series: `le` or `quantile` points, `_sum` and `_count`. */
interface SeriesSamples {
  labels: LabelSet
  points: Array<[string | number, number, Exemplar | undefined]>
  sum: number
  count: number
}

/** Groups a histogram's or summary's samples by series (their labels without `le`/`quantile`), in order. */
function groupSeries (name: string, values: readonly ClientValue[], pointLabel: 'le' | 'quantile'): SeriesSamples[] {
  const series = new Map<string, SeriesSamples>()
  for (const v of values) {
    const { [pointLabel]: point, ...labels } = (v.labels ?? {}) as Record<string, string | number>
    const key = seriesKey(labels)
    let entry = series.get(key)
    if (entry === undefined) {
      entry = { labels, points: [], sum: 0, count: 0 }
      series.set(key, entry)
    }
    const sample = v.metricName ?? name
    if (sample.endsWith('_sum')) entry.sum = v.value
    else if (sample.endsWith('_count')) entry.count = v.value
    else if (point !== undefined) entry.points.push([point, v.value, exemplarOf(v.exemplar)])
  }
  return [...series.values()]
}

/** Cumulative `le` samples back into counts per bucket, +Inf last, as our own histograms keep them. */
function classicHistogram (series: SeriesSamples): HistogramData {
  const bounds: number[] = []
  const counts: number[] = []
  const exemplars: Array<Exemplar | undefined> = []
  let below = 0
  let infinite: Exemplar | undefined
  for (const [le, cumulative, exemplar] of series.points) {
    if (le === '+Inf' || le === Infinity) {
      infinite = exemplar
      continue
    }
    bounds.push(Number(le))
    counts.push(cumulative - below)
    exemplars.push(exemplar)
    below = cumulative
  }
  counts.push(series.count - below)
  exemplars.push(infinite)
  return { bounds, counts, sum: series.sum, count: series.count, exemplars }
}

function exemplarOf (exemplar: ClientExemplar | null | undefined): Exemplar | undefined {
  if (exemplar === null || exemplar === undefined || typeof exemplar.value !== 'number') return undefined
  const labels: Record<string, string> = {}
  for (const name in exemplar.labelSet) labels[name] = String(exemplar.labelSet[name])
  if (Object.keys(labels).length === 0) return undefined
  return { labels, value: exemplar.value, timestamp: exemplar.timestamp ?? Date.now() / 1000 }
}

/** A series' identity whatever the order of its labels and whether values are numbers or strings. */
function seriesKey (labels: LabelSet): string {
  let key = ''
  for (const name of Object.keys(labels).sort()) {
    if (labels[name] !== undefined) key += `${name}\u0000${String(labels[name])}\u0001`
  }
  return key
}
