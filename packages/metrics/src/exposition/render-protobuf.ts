import type { Registry } from '@prometheus-io/client'
import { hasNativeHistograms, type NativeHistogramSeries, type NativeHistogramSnapshot } from '../native/snapshot.js'
import { type LabelSet, ProtobufExposition } from './protobuf-format.js'
import { isProtobufRendering } from './self-rendered-family.js'
import { type Exemplar, type HistogramData, type MetricObject, registryDefaultLabels } from './text-format.js'

/** A value as @prometheus-io/client gives it, with the exemplar its counters and histogram buckets may carry. */
type ClientValue = MetricObject['values'][number] & { exemplar?: ClientExemplar | null }
interface ClientExemplar { labelSet?: Record<string, string | number>, value?: number | null, timestamp?: number }
interface Collected { object: MetricObject, natives: Map<string, NativeHistogramSnapshot> | undefined }

/**
 * Renders every family in `registry` in the protobuf format: length-delimited MetricFamily
 * messages. Our own families write themselves; plain @prometheus-io/client metrics are written
 * from what `get()` returns, with the native buckets of those that keep them. Default labels are
 * added as in the text formats; a family whose collect function fails is left out and reported.
 */
export async function renderProtobuf (
  registry: Registry,
  defaultLabels: Readonly<Record<string, string>>,
  onCollectError: (metric: string, error: unknown) => void
): Promise<Buffer> {
  const out = new ProtobufExposition({ ...registryDefaultLabels(registry), ...defaultLabels })
  const metrics = registry.getMetricsAsArray() as unknown as Array<{ name: string, get (): Promise<MetricObject> }>

  // A histogram's native buckets are read in the same turn as its classic values: while other
  // families collect (disk metrics wait on I/O), requests go on observing, and a count taken
  // before buckets read later would be a histogram that Prometheus refuses (fewer observations
  // than its buckets hold) or that is short of them.
  const collected = await Promise.all(metrics.map(async (metric): Promise<Collected | undefined> => {
    if (isProtobufRendering(metric)) return undefined
    try {
      const object = await metric.get()
      return { object, natives: hasNativeHistograms(metric) ? nativeBySeries(metric.nativeHistograms()) : undefined }
    } catch (error) {
      onCollectError(metric.name, error)
      return undefined
    }
  }))

  for (let i = 0; i < metrics.length; i++) {
    const metric = metrics[i]!
    if (isProtobufRendering(metric)) {
      metric.renderProtobuf(out)
      continue
    }
    const entry = collected[i]
    if (entry !== undefined) writeMetricObject(out, entry.object, entry.natives)
  }
  return out.finish()
}

function writeMetricObject (out: ProtobufExposition, metric: MetricObject, natives: Map<string, NativeHistogramSnapshot> | undefined): void {
  const values = metric.values as ClientValue[]
  out.family(metric.name, metric.help, protobufType(metric.type), () => {
    switch (metric.type) {
      case 'counter':
        for (const v of values) out.counter(v.labels ?? {}, v.value, exemplarOf(v.exemplar))
        break
      case 'gauge':
        for (const v of values) out.gauge(v.labels ?? {}, v.value)
        break
      case 'histogram':
        for (const series of groupSeries(metric.name, values, 'le')) {
          out.histogram(series.labels, classicHistogram(series), natives?.get(seriesKey(series.labels)))
        }
        break
      case 'summary':
        for (const series of groupSeries(metric.name, values, 'quantile')) {
          out.summary(series.labels, series.count, series.sum, series.points.map(([quantile, value]) => [Number(quantile), value]))
        }
        break
      default:
        for (const v of values) out.untyped(v.labels ?? {}, v.value)
    }
  })
}

function protobufType (type: string): 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' {
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

function nativeBySeries (series: readonly NativeHistogramSeries[]): Map<string, NativeHistogramSnapshot> {
  return new Map(series.map((s) => [seriesKey(s.labels), s.histogram]))
}
