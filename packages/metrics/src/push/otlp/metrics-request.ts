// opentelemetry-proto's collector/metrics/v1 ExportMetricsServiceRequest, written by the field
// numbers of metrics/v1, common/v1 and resource/v1. Our own encoder because the SDK's serializer
// does not write exemplars, and so that ten thousand series are encoded in slices that yield.
import type { ResourceValue } from '@obs/core'
import type { Exemplar } from '../../exposition/text-format.js'
import { isCounterReset, subtractHistograms } from '../../native/arithmetic.js'
import type { NativeHistogramSnapshot } from '../../native/snapshot.js'
import { counterWentDown, histogramDelta, histogramWentDown } from '../deltas.js'
import { type ExponentialPoint, type HistogramPoint, type Labels, type PushFamily, type PushSnapshot, type ScalarPoint, type SummaryPoint } from '../families.js'
import type { SeriesMemory, Temporality } from '../series-memory.js'
import type { Slicer } from '../slices.js'
import type { ProtobufWriter } from '../../protobuf/writer.js'

const TEMPORALITY = { delta: 1, cumulative: 2 } as const

export interface MetricsRequestOptions {
  readonly resource: Readonly<Record<string, ResourceValue>>
  readonly scope: { readonly name: string, readonly version: string }
  readonly temporality: Temporality
}

export interface EncodedRequest {
  readonly bytes: Uint8Array
  /** Data points in the request, the unit of `otel_sdk_exporter_metric_data_point_exported_total`. */
  readonly points: number
}

const TRACE_ID = /^[0-9a-f]{32}$/i
const SPAN_ID = /^[0-9a-f]{16}$/i

/**
 * Encodes one push into `w` (emptied first; the sink reuses it from push to push, so that a
 * request of megabytes is not regrown and copied every time); `memory` keeps start times and, for
 * delta temporality, the previous values. What the request holds stays pending in `memory`: the
 * sink commits it once it was delivered, or abandons it.
 */
export async function encodeMetricsRequest (
  snapshot: PushSnapshot,
  memory: SeriesMemory<unknown>,
  options: MetricsRequestOptions,
  slicer: Slicer,
  w: ProtobufWriter
): Promise<EncodedRequest> {
  w.reset()
  const time = nanosBytes(snapshot.timeMs)
  const starts = new Map<number, Uint8Array>()
  const startBytes = (ms: number): Uint8Array => {
    let bytes = starts.get(ms)
    if (bytes === undefined) starts.set(ms, bytes = nanosBytes(ms))
    return bytes
  }
  const temporality = TEMPORALITY[options.temporality]
  let points = 0

  w.begin(1) // ExportMetricsServiceRequest.resource_metrics: ResourceMetrics
  w.begin(1) // its resource: Resource
  for (const name in options.resource) keyValue(w, 1, name, options.resource[name]!)
  w.end()
  w.begin(2) // ResourceMetrics.scope_metrics: ScopeMetrics
  w.begin(1) // its scope
  w.string(1, options.scope.name)
  w.string(2, options.scope.version)
  w.end()
  for (const family of snapshot.families) {
    if (family.points.length === 0) continue
    w.begin(2) // ScopeMetrics.metrics: Metric
    w.string(1, family.name)
    if (family.help !== '') w.string(2, family.help)
    w.begin(DATA_FIELD[family.kind]) // its data: Gauge 5, Sum 7, Histogram 9, ExponentialHistogram 10, Summary 11
    for (const point of family.points) {
      if (slicer.due()) await slicer.pause()
      const key = memory.keys.of(family.name, point.labels)
      w.begin(1) // data_points
      switch (family.kind) {
        case 'gauge': numberPoint(w, point as ScalarPoint, undefined, (point as ScalarPoint).value, time); break
        case 'counter': {
          const { value } = point as ScalarPoint
          const { startMs, previous } = memory.track(key, value, counterWentDown as (a: unknown, b: unknown) => boolean, options.temporality)
          const sent = options.temporality === 'delta' ? value - ((previous as number | undefined) ?? 0) : value
          numberPoint(w, point as ScalarPoint, startBytes(startMs), sent, time)
          break
        }
        case 'histogram': {
          const { startMs, previous } = memory.track(key, point, histogramWentDown as (a: unknown, b: unknown) => boolean, options.temporality)
          const data = options.temporality === 'delta' ? histogramDelta(point as HistogramPoint, previous as HistogramPoint | undefined) : point as HistogramPoint
          histogramPoint(w, data, startBytes(startMs), time, options.temporality === 'delta' ? startMs : 0)
          break
        }
        case 'exponential': {
          const { histogram } = point as ExponentialPoint
          const { startMs, previous } = memory.track(key, histogram, isCounterReset as (a: unknown, b: unknown) => boolean, options.temporality)
          const data = options.temporality === 'delta' && previous !== undefined ? subtractHistograms(histogram, previous as NativeHistogramSnapshot) : histogram
          exponentialPoint(w, point as ExponentialPoint, data, startBytes(startMs), time, options.temporality === 'delta' ? startMs : 0)
          break
        }
        case 'summary': {
          // Summaries have no temporality in OTLP: always totals since the start.
          const { startMs } = memory.track(key, (point as SummaryPoint).count, counterWentDown as (a: unknown, b: unknown) => boolean, 'cumulative')
          summaryPoint(w, point as SummaryPoint, startBytes(startMs), time)
          break
        }
      }
      w.end()
      points++
    }
    // Closing a message moves its body (a family holds megabytes): each close starts a slice.
    if (slicer.due()) await slicer.pause()
    if (family.kind === 'counter') {
      w.uint(2, temporality)
      w.uint(3, 1) // is_monotonic
    } else if (family.kind === 'histogram' || family.kind === 'exponential') {
      w.uint(2, temporality)
    }
    w.end() // its data
    w.end() // Metric
  }
  if (slicer.due()) await slicer.pause()
  w.end() // ScopeMetrics
  if (slicer.due()) await slicer.pause()
  w.end() // ResourceMetrics
  if (slicer.due()) await slicer.pause()
  return { bytes: w.finish(), points }
}

const DATA_FIELD: Record<PushFamily['kind'], number> = { gauge: 5, counter: 7, histogram: 9, exponential: 10, summary: 11 }

/** common.v1.KeyValue { key 1, value 2: AnyValue { string 1, bool 2, int 3, double 4 } } in `field`. */
function keyValue (w: ProtobufWriter, field: number, key: string, value: ResourceValue): void {
  w.begin(field)
  w.string(1, key)
  w.begin(2)
  if (typeof value === 'string') w.string(1, value)
  else if (typeof value === 'boolean') w.uint(2, value ? 1 : 0)
  else if (Number.isSafeInteger(value) && value >= 0) w.uint(3, value)
  else w.double(4, value)
  w.end()
  w.end()
}

function attributes (w: ProtobufWriter, field: number, labels: Labels): void {
  for (const name in labels) keyValue(w, field, name, labels[name]!)
}

/** NumberDataPoint: attributes 7, start 2, time 3, as_double 4, exemplars 5. */
function numberPoint (w: ProtobufWriter, point: ScalarPoint, start: Uint8Array | undefined, value: number, time: Uint8Array): void {
  attributes(w, 7, point.labels)
  if (start !== undefined) w.fixed64Bytes(2, start)
  w.fixed64Bytes(3, time)
  w.double(4, value)
  if (point.exemplar !== undefined) exemplar(w, 5, point.exemplar)
}

const count = (value: number): number => value > 0 ? Math.round(value) : 0

/** HistogramDataPoint: attributes 9, start 2, time 3, count 4, sum 5, bucket_counts 6, explicit_bounds 7, exemplars 8. */
function histogramPoint (w: ProtobufWriter, point: HistogramPoint, start: Uint8Array, time: Uint8Array, exemplarsAfterMs: number): void {
  attributes(w, 9, point.labels)
  w.fixed64Bytes(2, start)
  w.fixed64Bytes(3, time)
  w.fixed64(4, count(point.count))
  w.double(5, point.sum)
  w.packedFixed64(6, point.counts.map(count))
  w.packedDoubles(7, point.bounds)
  exemplars(w, 8, point.exemplars, exemplarsAfterMs)
}

function exemplars (w: ProtobufWriter, field: number, list: ReadonlyArray<Exemplar | undefined> | undefined, afterMs: number): void {
  if (list === undefined) return
  for (const e of list) {
    // In delta temporality an exemplar belongs to the push whose interval it fell in.
    if (e !== undefined && e.timestamp * 1000 >= afterMs) exemplar(w, field, e)
  }
}

/** Prometheus's sparse [index, count] buckets as OTLP's Buckets { offset 1, bucket_counts 2 }: OTLP's index is one lower. */
function buckets (w: ProtobufWriter, field: number, sparse: NativeHistogramSnapshot['positive']): void {
  if (sparse.length === 0) return
  const first = sparse[0]![0]
  const dense = new Array<number>(sparse.at(-1)![0] - first + 1).fill(0)
  for (const [index, n] of sparse) dense[index - first] = count(n)
  w.begin(field)
  w.sint(1, first - 1)
  w.packedVarints(2, dense)
  w.end()
}

/** ExponentialHistogramDataPoint: attributes 1, start 2, time 3, count 4, sum 5, scale 6, zero_count 7, positive 8, negative 9, exemplars 11, zero_threshold 14. */
function exponentialPoint (w: ProtobufWriter, point: ExponentialPoint, h: NativeHistogramSnapshot, start: Uint8Array, time: Uint8Array, exemplarsAfterMs: number): void {
  attributes(w, 1, point.labels)
  w.fixed64Bytes(2, start)
  w.fixed64Bytes(3, time)
  w.fixed64(4, count(h.count))
  w.double(5, h.sum)
  w.sint(6, h.schema)
  w.fixed64(7, count(h.zeroCount))
  buckets(w, 8, h.positive)
  buckets(w, 9, h.negative)
  exemplars(w, 11, point.exemplars, exemplarsAfterMs)
  w.double(14, h.zeroThreshold)
}

/** SummaryDataPoint: attributes 7, start 2, time 3, count 4, sum 5, quantile_values 6 { quantile 1, value 2 }. */
function summaryPoint (w: ProtobufWriter, point: SummaryPoint, start: Uint8Array, time: Uint8Array): void {
  attributes(w, 7, point.labels)
  w.fixed64Bytes(2, start)
  w.fixed64Bytes(3, time)
  w.fixed64(4, count(point.count))
  w.double(5, point.sum)
  for (const [quantile, value] of point.quantiles) {
    w.begin(6)
    w.double(1, quantile)
    w.double(2, value)
    w.end()
  }
}

/** Exemplar: filtered_attributes 7, time 2, as_double 3, span_id 4, trace_id 5. Trace and span ids go in their own fields. */
function exemplar (w: ProtobufWriter, field: number, e: Exemplar): void {
  w.begin(field)
  for (const name in e.labels) {
    const value = e.labels[name]!
    if ((name === 'trace_id' && TRACE_ID.test(value)) || (name === 'span_id' && SPAN_ID.test(value))) continue
    keyValue(w, 7, name, value)
  }
  w.fixed64Bytes(2, nanosBytes(e.timestamp * 1000))
  w.double(3, e.value)
  const span = e.labels.span_id
  if (span !== undefined && SPAN_ID.test(span)) w.bytes(4, Buffer.from(span, 'hex'))
  const trace = e.labels.trace_id
  if (trace !== undefined && TRACE_ID.test(trace)) w.bytes(5, Buffer.from(trace, 'hex'))
  w.end()
}

/** A time in milliseconds since the epoch as fixed64 nanoseconds, little-endian. */
function nanosBytes (ms: number): Uint8Array {
  const nanos = BigInt(Math.round(ms * 1000)) * 1000n
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, nanos, true)
  return bytes
}
