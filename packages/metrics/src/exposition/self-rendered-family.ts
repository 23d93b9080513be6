import { histogramValues, type SampleValue } from './histogram-values.js'
import type { ExpositionFormat } from './negotiate.js'
import { counterSampleName, familyHeader, histogramLines, type HistogramData, renderLes, sampleLine } from './text-format.js'

/**
 * A family that renders itself from its own state (the request metrics do, so a scrape never
 * builds label objects). Anything else in the registry is a plain @prometheus-io/client metric.
 */
export interface SelfRenderingMetric {
  /** The family's text, a series at a time, so that a long family can be written in slices. */
  exposition (format: ExpositionFormat, defaultLabels: string): Iterable<string>
}

export function isSelfRendering (metric: object): metric is SelfRenderingMetric {
  return typeof (metric as Partial<SelfRenderingMetric>).exposition === 'function'
}

export interface FamilySpec {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'gauge' | 'histogram'
  /** Sample lines only, a series at a time; `defaults` are the rendered default-label pairs. */
  samples (format: ExpositionFormat, defaults: string): Iterable<string>
  /** The same samples as the client's value objects, for `registry.getMetricsAsJSON()` and friends. */
  values (): SampleValue[]
  reset? (): void
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

  constructor (private readonly spec: FamilySpec) {
    this.name = spec.name
    this.help = spec.help
    this.type = spec.type
  }

  * exposition (format: ExpositionFormat, defaults: string): Iterable<string> {
    yield familyHeader(this.name, this.type, this.help, format)
    yield * this.spec.samples(format, defaults)
  }

  async get (): Promise<{ name: string, help: string, type: string, aggregator: 'sum', values: SampleValue[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.spec.values() }
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
    ...(reset === undefined ? {} : { reset })
  })
}

/** A histogram with one series per row; every series has the buckets `bounds`. */
export function histogramFamily<R extends Row> (
  name: string, help: string, bounds: readonly number[],
  rows: () => readonly R[], pick: (row: R) => HistogramData
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
    }
  })
}
