// The Prometheus protobuf exposition (io.prometheus.client.MetricFamily, delimited), written here
// and nowhere else, by the field numbers of client_model's metrics.proto. Everything that
// renders a metric in protobuf calls these, as text-format.ts is for the text formats.
import type { NativeHistogramSnapshot } from '../native/snapshot.js'
import { ProtobufWriter } from '../protobuf/writer.js'
import { PAUSE } from './slices.js'
import { counterSampleName, type Exemplar, type HistogramData, isWritableExemplar } from './text-format.js'

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'

/** MetricType in metrics.proto. */
const METRIC_TYPE = { counter: 0, gauge: 1, summary: 2, untyped: 3, histogram: 4 } as const
export type ProtobufMetricType = keyof typeof METRIC_TYPE

// Field numbers of metrics.proto.
const Family = { name: 1, help: 2, type: 3, metric: 4 }
const Metric = { label: 1, gauge: 2, counter: 3, summary: 4, untyped: 5, histogram: 7 }
const Label = { name: 1, value: 2 }
const Value = { value: 1 } // Gauge, Untyped and Counter
const Counter = { exemplar: 2 }
const SummaryField = { sampleCount: 1, sampleSum: 2, quantile: 3 }
const Quantile = { quantile: 1, value: 2 }
const Histogram = { sampleCount: 1, sampleSum: 2, bucket: 3, schema: 5, zeroThreshold: 6, zeroCount: 7, negativeSpan: 9, negativeDelta: 10, positiveSpan: 12, positiveDelta: 13 }
const Bucket = { cumulativeCount: 1, upperBound: 2, exemplar: 3 }
const Span = { offset: 1, length: 2 }
const ExemplarField = { label: 1, value: 2, timestamp: 3 }
const Timestamp = { seconds: 1, nanos: 2 }

/** Labels of one series, as the reader takes them: the series' own and the default labels. */
export type LabelSet = Readonly<Record<string, string | number | undefined>>

// A long family's series are handed on in chunks of about this size once the family is done.
const CHUNK_BYTES = 32 * 1024

/**
 * Writes MetricFamily messages, each prefixed with its length, as pieces of bytes for
 * `writeInSlices`. The default labels are encoded once and added to every metric; they win over
 * a series' label of the same name.
 */
export class ProtobufExposition {
  private readonly w = new ProtobufWriter()
  private readonly defaults: Uint8Array

  constructor (private readonly defaultLabels: Readonly<Record<string, string>>) {
    const labels = new ProtobufWriter()
    for (const name in defaultLabels) writeLabel(labels, name, defaultLabels[name]!)
    this.defaults = labels.finish()
  }

  /**
   * One family, as pieces of the delimited stream. Each step of `series` writes one series (or a
   * few) with the methods below; the scrape may hand the loop back between steps. A family's
   * length comes first and is known only once all its series are written: until then the pieces
   * are pauses of no bytes, then come its header and its series' bytes. Nothing at all for a
   * family without series (Prometheus skips those).
   *
   * Prometheus names a counter's series after the family in protobuf, but after the samples in
   * OpenMetrics, which carry `_total` whatever the counter is registered as: a counter registered
   * without `_total` is written here with it, so that its series keep their name when Prometheus
   * switches from OpenMetrics to protobuf (turning native histograms on).
   */
  * family (name: string, help: string, type: ProtobufMetricType, series: Iterable<unknown>): Generator<Uint8Array> {
    const w = this.w
    const chunks: Uint8Array[] = []
    let length = 0
    const steps = series[Symbol.iterator]()
    for (;;) {
      const done = steps.next().done === true
      if (w.position >= CHUNK_BYTES || (done && w.position > 0)) {
        const chunk = w.take()
        chunks.push(chunk)
        length += chunk.byteLength
      }
      if (done) break
      yield PAUSE
    }
    if (length === 0) return
    const header = new ProtobufWriter(16 + 3 * (name.length + help.length))
    header.begin()
    header.string(Family.name, type === 'counter' ? counterSampleName(name, 'openmetrics') : name)
    header.string(Family.help, help)
    header.uint(Family.type, METRIC_TYPE[type])
    header.end(length)
    yield header.finish()
    yield * chunks
  }

  counter (labels: LabelSet, value: number, exemplar?: Exemplar): void {
    this.beginMetric(labels, Metric.counter)
    this.w.double(Value.value, value)
    if (exemplar !== undefined) this.exemplar(Counter.exemplar, exemplar)
    this.endMetric()
  }

  gauge (labels: LabelSet, value: number): void {
    this.scalar(labels, Metric.gauge, value)
  }

  untyped (labels: LabelSet, value: number): void {
    this.scalar(labels, Metric.untyped, value)
  }

  summary (labels: LabelSet, count: number, sum: number, quantiles: ReadonlyArray<readonly [quantile: number, value: number]>): void {
    const w = this.w
    this.beginMetric(labels, Metric.summary)
    w.uint(SummaryField.sampleCount, count)
    w.double(SummaryField.sampleSum, sum)
    for (const [quantile, value] of quantiles) {
      w.begin(SummaryField.quantile)
      w.double(Quantile.quantile, quantile)
      w.double(Quantile.value, value)
      w.end()
    }
    this.endMetric()
  }

  /**
   * A histogram: the classic buckets (cumulative, +Inf written only when it holds an exemplar,
   * as client_golang does) and, when given, the native buckets as spans and deltas.
   */
  histogram (labels: LabelSet, classic: HistogramData | undefined, native: NativeHistogramSnapshot | undefined): void {
    const w = this.w
    this.beginMetric(labels, Metric.histogram)
    w.uint(Histogram.sampleCount, classic?.count ?? native!.count)
    w.double(Histogram.sampleSum, classic?.sum ?? native!.sum)
    if (classic !== undefined) {
      let cumulative = 0
      for (let i = 0; i < classic.counts.length; i++) {
        cumulative += classic.counts[i]!
        const exemplar = classic.exemplars?.[i]
        const finite = i < classic.bounds.length
        if (!finite && exemplar === undefined) break
        w.begin(Histogram.bucket)
        w.uint(Bucket.cumulativeCount, cumulative)
        w.double(Bucket.upperBound, finite ? classic.bounds[i]! : Infinity)
        if (exemplar !== undefined) this.exemplar(Bucket.exemplar, exemplar)
        w.end()
      }
    }
    if (native !== undefined) {
      w.sint(Histogram.schema, native.schema)
      w.double(Histogram.zeroThreshold, native.zeroThreshold)
      w.uint(Histogram.zeroCount, native.zeroCount)
      this.buckets(native.negative, Histogram.negativeSpan, Histogram.negativeDelta)
      this.buckets(native.positive, Histogram.positiveSpan, Histogram.positiveDelta)
      // Without observations and with a zero threshold of 0, a no-op span is what tells a scraper
      // that this is a native histogram (metrics.proto says so).
      if (native.zeroThreshold === 0 && native.zeroCount === 0 && native.positive.length === 0 && native.negative.length === 0) {
        w.begin(Histogram.positiveSpan)
        w.sint(Span.offset, 0)
        w.uint(Span.length, 0)
        w.end()
      }
    }
    this.endMetric()
  }

  private scalar (labels: LabelSet, field: number, value: number): void {
    this.beginMetric(labels, field)
    this.w.double(Value.value, value)
    this.endMetric()
  }

  // A Metric with its labels, then the opened submessage `field` (Counter, Gauge, …).
  private beginMetric (labels: LabelSet, field: number): void {
    const w = this.w
    w.begin(Family.metric)
    for (const name in labels) {
      const value = labels[name]
      if (value === undefined || Object.hasOwn(this.defaultLabels, name)) continue
      writeLabel(w, name, String(value))
    }
    w.raw(this.defaults)
    w.begin(field)
  }

  // Closes the submessage and the Metric.
  private endMetric (): void {
    this.w.end()
    this.w.end()
  }

  // Spans of consecutive buckets and the count deltas between buckets. A gap of one or two
  // buckets is cheaper written as empty buckets in the span than as a new span.
  private buckets (buckets: ReadonlyArray<readonly [number, number]>, spanField: number, deltaField: number): void {
    if (buckets.length === 0) return
    const w = this.w
    let spanStart = 0
    let previousIndex = 0
    for (let i = 0; i <= buckets.length; i++) {
      const index = buckets[i]?.[0]
      if (i > 0 && (index === undefined || index - previousIndex > 3)) {
        w.begin(spanField)
        w.sint(Span.offset, buckets[spanStart]![0] - (spanStart === 0 ? 0 : buckets[spanStart - 1]![0] + 1))
        w.uint(Span.length, previousIndex - buckets[spanStart]![0] + 1)
        w.end()
        spanStart = i
      }
      if (index !== undefined) previousIndex = index
    }
    let previousCount = 0
    previousIndex = buckets[0]![0] - 1
    for (const [index, count] of buckets) {
      // Empty buckets inside a span (gaps of one or two).
      if (index - previousIndex <= 3) {
        for (let gap = previousIndex + 1; gap < index; gap++) {
          w.sint(deltaField, -previousCount)
          previousCount = 0
        }
      }
      w.sint(deltaField, count - previousCount)
      previousCount = count
      previousIndex = index
    }
  }

  private exemplar (field: number, exemplar: Exemplar): void {
    if (!isWritableExemplar(exemplar)) return
    const w = this.w
    w.begin(field)
    for (const name in exemplar.labels) writeLabel(w, name, exemplar.labels[name]!)
    w.double(ExemplarField.value, exemplar.value)
    const seconds = Math.floor(exemplar.timestamp)
    w.begin(ExemplarField.timestamp)
    w.uint(Timestamp.seconds, seconds)
    const nanos = Math.min(999_999_999, Math.round((exemplar.timestamp - seconds) * 1e9))
    if (nanos > 0) w.uint(Timestamp.nanos, nanos)
    w.end()
    w.end()
  }
}

function writeLabel (w: ProtobufWriter, name: string, value: string): void {
  w.begin(Metric.label)
  w.string(Label.name, name)
  w.string(Label.value, value)
  w.end()
}
