import { Counter, Gauge, Histogram } from '@prometheus-io/client'
import { hasNativeHistograms } from '../native/snapshot.js'
import {
  histogramEntries, type HistogramEntry, keepsNativeOnEntries, objectSeries, protobufType, scalarEntries, type ScalarEntry
} from './client-protobuf.js'
import type { ExpositionFormat } from './negotiate.js'
import type { ProtobufExposition } from './protobuf-format.js'
import { escapeLabelValue, familyHeader, formatValue, type MetricObject, sampleLine, valueLine, valuePairs } from './text-format.js'

/** The parts of an @prometheus-io/client counter, gauge or histogram that a scrape reads. */
interface StoredMetric {
  name: string
  help: string
  type: string
  collect?: () => unknown
  store: { values (): Iterable<ScalarEntry | HistogramEntry> }
  upperBounds?: readonly number[]
}

/** A plain client metric, collected: writes itself in any format, a series at a time. */
export interface CollectedMetric {
  lines (format: ExpositionFormat, defaultLabels: Readonly<Record<string, string>>, defaults: string): Iterable<string>
  /** The family in the protobuf format, as pieces (see `ProtobufExposition.family`). */
  protobuf (out: ProtobufExposition): Iterable<Uint8Array>
}

/**
 * A counter, gauge or histogram of this client whose `get()` is the client's own keeps its series
 * in `store`: reading the store series by series writes the same lines as `get()` would, without
 * building every value object of the family at once (100,000 label sets would block the loop).
 */
function readsStore (metric: object): metric is StoredMetric {
  const store = (metric as Partial<StoredMetric>).store
  if (typeof store?.values !== 'function') return false
  if (metric instanceof Histogram) {
    return metric.get === Histogram.prototype.get && Array.isArray((metric as Partial<StoredMetric>).upperBounds)
  }
  return (metric instanceof Counter && metric.get === Counter.prototype.get) ||
    (metric instanceof Gauge && metric.get === Gauge.prototype.get)
}

/**
 * Collects one plain client metric: runs its `collect` function and takes the list of its series
 * (their values are read as they are written out). Anything the store cannot be read for (a
 * summary, a metric from another copy of the client, one with its own `get`) goes through `get()`.
 * With `nativeHistograms` (the protobuf format), a histogram's native buckets are read with its
 * classic values: series by series from the store when the metric gives them so, or else all in
 * the turn `get()` resolves in. While other families collect (disk metrics wait on I/O), requests
 * go on observing: a count taken before buckets read later would be a histogram that Prometheus
 * refuses (fewer observations than its buckets hold) or that is short of them.
 */
export async function collectClientMetric (
  metric: { get (): Promise<MetricObject> }, options: { nativeHistograms: boolean }
): Promise<CollectedMetric> {
  const natives = options.nativeHistograms && hasNativeHistograms(metric) ? metric : undefined
  if (!readsStore(metric) || (natives !== undefined && !keepsNativeOnEntries(natives))) {
    const object = await metric.get()
    const nativeSeries = natives?.nativeHistograms()
    return {
      lines: (format, defaultLabels, defaults) => objectLines(object, format, defaultLabels, defaults),
      protobuf: (out) => out.family(object.name, object.help, protobufType(object.type), objectSeries(out, object, nativeSeries))
    }
  }
  if (metric.collect !== undefined) await metric.collect()
  const entries = Array.from(metric.store.values())
  const bounds = metric.upperBounds
  if (metric instanceof Histogram && bounds !== undefined) {
    const histograms = entries as HistogramEntry[]
    return {
      lines: (format, defaultLabels, defaults) => histogramLines(metric, bounds, histograms, format, defaultLabels, defaults),
      protobuf: (out) => out.family(metric.name, metric.help, 'histogram', histogramEntries(out, bounds, histograms, natives !== undefined))
    }
  }
  const scalars = entries as ScalarEntry[]
  const type = metric.type === 'counter' ? 'counter' : 'gauge'
  return {
    lines: (format, defaultLabels, defaults) => objectLines({ name: metric.name, help: metric.help, type: metric.type, values: scalars }, format, defaultLabels, defaults),
    protobuf: (out) => out.family(metric.name, metric.help, type, scalarEntries(out, type, scalars))
  }
}

function * objectLines (object: MetricObject, format: ExpositionFormat, defaultLabels: Readonly<Record<string, string>>, defaults: string): Iterable<string> {
  yield familyHeader(object.name, object.type, object.help, format)
  for (const value of object.values) yield valueLine(object, value, format, defaultLabels, defaults)
}

/** A histogram's lines as the client's `get()` lays them out: buckets, `+Inf`, `_sum`, `_count`. */
function * histogramLines (
  metric: StoredMetric, bounds: readonly number[], entries: readonly HistogramEntry[],
  format: ExpositionFormat, defaultLabels: Readonly<Record<string, string>>, defaults: string
): Iterable<string> {
  const { name } = metric
  yield familyHeader(name, metric.type, metric.help, format)
  const bucket = `${name}_bucket`
  const les = bounds.map((bound) => `le="${escapeLabelValue(bound)}"`)
  // `{…,le="0.5",defaults} ` around each bucket's `le`, so that a line is one concatenation.
  const tail = defaults === '' ? '} ' : `,${defaults}} `
  for (const entry of entries) {
    const pairs = valuePairs(entry.labels, defaultLabels)
    // `le` goes after the series' labels, unless a default label of that name displaces it or a
    // `quantile` label must follow it: then each bucket's labels are laid out as get() does.
    const plain = !('quantile' in entry.labels) && !Object.hasOwn(defaultLabels, 'le')
    const head = pairs === '' ? `${bucket}{` : `${bucket}{${pairs},`
    const line = (i: number, le: number | string, value: number): string => plain
      ? `${head}${i < les.length ? les[i]! : 'le="+Inf"'}${tail}${formatValue(value)}\n`
      : sampleLine(bucket, valuePairs({ ...entry.labels, le }, defaultLabels), defaults, value)
    let out = ''
    let cumulative = 0
    for (let i = 0; i < bounds.length; i++) {
      cumulative += entry.bucketValues[bounds[i]!]!
      out += line(i, bounds[i]!, cumulative)
    }
    out += line(bounds.length, '+Inf', entry.count)
    out += sampleLine(`${name}_sum`, pairs, defaults, entry.sum)
    out += sampleLine(`${name}_count`, pairs, defaults, entry.count)
    yield out
  }
}
