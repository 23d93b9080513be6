import type { NativeHistogram } from '../native/native-histogram.js'
import type { NativeHistogramSeries } from '../native/snapshot.js'
import { histogramValues, type SampleValue } from './histogram-values.js'
import type { ExpositionFormat } from './negotiate.js'
import type { ProtobufExposition } from './protobuf-format.js'
import { counterSampleName, familyHeader, histogramLines, type HistogramData, renderLes, sampleLine } from './text-format.js'

/**
 * A family that renders itself from its own state (the request metrics do, so a scrape never
 * builds label objects). Anything else in the registry is a plain @prometheus-io/client metric.
 */
export interface SelfRenderingMetric {
  /** The family's text, a series at a time, so that a long family can be written in slices. */
  exposition (format: ExpositionFormat, defaultLabels: string): Iterable<string>
  /** The family in the protobuf format, as pieces written a series at a time (see `ProtobufExposition.family`). */
  protobuf (out: ProtobufExposition): Iterable<Uint8Array>
}

export function isSelfRendering (metric: object): metric is SelfRenderingMetric {
  const own = metric as Partial<SelfRenderingMetric>
  return typeof own.exposition === 'function' && typeof own.protobuf === 'function'
}

export interface FamilySpec {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'gauge' | 'histogram'
  /** Sample lines only, a series at a time; `defaults` are the rendered default-label pairs. */
  samples (format: ExpositionFormat, defaults: string): Iterable<string>
  /** The same samples as the client's value objects, for `registry.getMetricsAsJSON()` and friends. */
  values (): SampleValue[]
  /** A histogram family's series as data, exemplars included, for readers other than the text (OTLP push). */
  histograms? (): HistogramSeries[]
  /** Every series as protobuf Metric messages, a step per series. */
  protobuf (out: ProtobufExposition): Iterable<unknown>
  /** Set on a histogram family that keeps native buckets. */
  nativeHistograms? (): NativeHistogramSeries[]
  reset? (): void
}

/** One series of a histogram family: its own labels and its live data. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>
  readonly data: HistogramData
}

/**
 * A metric family that lives in an @prometheus-io/client registry but keeps its own state. Our
 * exposition calls `exposition`; the client's own `registry.metrics()` and
 * `getMetricsAsJSON()` call `get()`, so the family also works in a registry that someone else
 * renders.
 */
export class SelfRenderedFamily implements SelfRenderingMetric {
  readonly name: string
  readonly help: string
  readonly type: FamilySpec['type']
  readonly aggregator = 'sum' as const
  /** Present only on a family that keeps native histograms (see `hasNativeHistograms`). */
  readonly nativeHistograms?: () => NativeHistogramSeries[]

  constructor (private readonly spec: FamilySpec) {
    this.name = spec.name
    this.help = spec.help
    this.type = spec.type
    if (spec.nativeHistograms !== undefined) this.nativeHistograms = spec.nativeHistograms
  }

  * exposition (format: ExpositionFormat, defaults: string): Iterable<string> {
    yield familyHeader(this.name, this.type, this.help, format)
    yield * this.spec.samples(format, defaults)
  }

  protobuf (out: ProtobufExposition): Iterable<Uint8Array> {
    return out.family(this.name, this.help, this.type, this.spec.protobuf(out))
  }

  async get (): Promise<{ name: string, help: string, type: string, aggregator: 'sum', values: SampleValue[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.spec.values() }
  }

  /** The series of a histogram family as data; undefined for counters and gauges. */
  histogramSeries (): HistogramSeries[] | undefined {
    return this.spec.histograms?.()
  }

  reset (): void {
    this.spec.reset?.()
  }
}

/** A row of a family: its label pairs, escaped once, and the same labels as an object. */
export interface Row {
  readonly pairs: string
  readonly labels: Readonly<Record<string, string>>
}

/** A counter or gauge with one sample per row. */
export function scalarFamily<R extends Row> (
  name: string, type: 'counter' | 'gauge', help: string,
  rows: () => readonly R[], value: (row: R) => number, reset?: () => void
): SelfRenderedFamily {
  return new SelfRenderedFamily({
    name,
    help,
    type,
    samples: function * (format, defaults) {
      const sample = type === 'counter' ? counterSampleName(name, format) : name
      for (const row of rows()) yield sampleLine(sample, row.pairs, defaults, value(row))
    },
    values: () => rows().map((row) => ({ labels: row.labels, value: value(row) })),
    protobuf: function * (out) {
      for (const row of rows()) {
        if (type === 'counter') out.counter(row.labels, value(row))
        else out.gauge(row.labels, value(row))
        yield
      }
    },
    ...(reset === undefined ? {} : { reset })
  })
}

/**
 * A histogram with one series per row; every series has the buckets `bounds`. With `native`,
 * each series also keeps native buckets: the protobuf format writes both, the text formats the
 * classic buckets only.
 */
export function histogramFamily<R extends Row> (
  name: string, help: string, bounds: readonly number[],
  rows: () => readonly R[], pick: (row: R) => HistogramData,
  native?: (row: R) => NativeHistogram
): SelfRenderedFamily {
  const les = renderLes(bounds)
  return new SelfRenderedFamily({
    name,
    help,
    type: 'histogram',
    samples: function * (format, defaults) {
      for (const row of rows()) yield histogramLines(name, pick(row), row.pairs, defaults, les, format)
    },
    values: () => {
      const out: SampleValue[] = []
      for (const row of rows()) {
        for (const value of histogramValues(pick(row), name, row.labels)) out.push(value)
      }
      return out
    },
    histograms: () => rows().map((row) => ({ labels: row.labels, data: pick(row) })),
    // A series' classic and native buckets are read in the same step, so they hold the same observations.
    protobuf: function * (out) {
      for (const row of rows()) {
        out.histogram(row.labels, pick(row), native?.(row).snapshot())
        yield
      }
    },
    ...(native === undefined
      ? {}
      : { nativeHistograms: () => rows().map((row) => ({ labels: row.labels, histogram: native(row).snapshot() })) })
  })
}
