import type { MetricValue } from '@prometheus-io/client'
import { familyHeader, type SelfRenderingMetric } from './exposition.js'
import type { ExpositionFormat } from './negotiate.js'

export type SampleValue = MetricValue<string> & { metricName?: string }

export interface FamilySpec {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'gauge' | 'histogram'
  /** Sample lines only; `defaults` are the rendered default-label pairs. */
  samples (format: ExpositionFormat, defaults: string): string
  /** The same samples as the client's value objects, for `registry.getMetricsAsJSON()` and friends. */
  values (): SampleValue[]
  reset? (): void
}

/**
 * A metric family that lives in an @prometheus-io/client registry but keeps its own state. Our
 * exposition calls `renderExposition`; the client's own `registry.metrics()` and
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

  renderExposition (format: ExpositionFormat, defaults: string): string {
    return familyHeader(this.name, this.type, this.help, format) + this.spec.samples(format, defaults)
  }

  async get (): Promise<{ name: string, help: string, type: string, aggregator: 'sum', values: SampleValue[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.spec.values() }
  }

  reset (): void {
    this.spec.reset?.()
  }
}
