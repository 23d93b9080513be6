import { type Attributes, createNoopMeter, type Counter, type Meter, type MeterProvider } from '@opentelemetry/api'

/**
 * The SDK's self-observability counters, named as the OpenTelemetry semantic conventions name
 * them (`otel.sdk.exporter.span.exported`, …) in their Prometheus form.
 */
export const SELF_METRICS = {
  otel_sdk_exporter_span_exported_total: 'The number of spans for which the export has finished, either successful or failed.',
  otel_sdk_exporter_log_exported_total: 'The number of log records for which the export has finished, either successful or failed.',
  otel_sdk_processor_span_processed_total: 'The number of spans for which the processing has finished, either successful or failed (error_type="queue_full": dropped).',
  otel_sdk_processor_log_processed_total: 'The number of log records for which the processing has finished, either successful or failed (error_type="queue_full": dropped).'
} as const

export type SelfMetricName = keyof typeof SELF_METRICS

/** The labels of one series: `error_type` only on failures, as the conventions ask. */
export interface SelfMetricLabels {
  otel_component_type: string
  error_type?: string
}

export interface SelfMetricFamily {
  name: SelfMetricName
  help: string
  series: Array<{ labels: SelfMetricLabels, value: number }>
}

/** A bound on the series of one family: error types come from outside (status codes, error names). */
const MAX_SERIES = 64
const OVERFLOW_ERROR_TYPE = '_OTHER'

/** The instruments the SDK's batch processors create, and the family each one counts into. */
const PROCESSOR_INSTRUMENTS: Readonly<Record<string, SelfMetricName>> = {
  'otel.sdk.processor.span.processed': 'otel_sdk_processor_span_processed_total',
  'otel.sdk.processor.log.processed': 'otel_sdk_processor_log_processed_total'
}

/**
 * The counts of one running SDK, kept in the process whether or not @obs/metrics is there to
 * show them (`sdk.selfMetrics.read()`; the Fastify plugin puts them on `/metrics`).
 */
export class SelfMetrics {
  private readonly families = new Map<SelfMetricName, Map<string, { labels: SelfMetricLabels, value: number }>>()

  /**
   * What the SDK's batch processors take as `selfObsMeterProvider`: their `processed` counters
   * (queue drops as `error_type="queue_full"`) count here; their other instruments are no-ops.
   * The component name (`batching_span_processor/3`) is left out: it grows with every processor
   * the process ever made.
   */
  readonly meterProvider: MeterProvider = { getMeter: () => this.meter() }

  add (name: SelfMetricName, count: number, componentType: string, errorType?: string): void {
    let family = this.families.get(name)
    if (family === undefined) this.families.set(name, family = new Map())
    let key = `${componentType}\u0000${errorType ?? ''}`
    let series = family.get(key)
    if (series === undefined) {
      if (family.size >= MAX_SERIES && errorType !== undefined) {
        errorType = OVERFLOW_ERROR_TYPE
        key = `${componentType}\u0000${errorType}`
        series = family.get(key)
      }
      if (series === undefined) {
        const labels: SelfMetricLabels = errorType === undefined ? { otel_component_type: componentType } : { otel_component_type: componentType, error_type: errorType }
        family.set(key, series = { labels, value: 0 })
      }
    }
    series.value += count
  }

  /** Every family, with the series counted so far (none yet: an empty list). */
  read (): SelfMetricFamily[] {
    return (Object.keys(SELF_METRICS) as SelfMetricName[]).map((name) => ({
      name,
      help: SELF_METRICS[name],
      series: [...(this.families.get(name)?.values() ?? [])].map(({ labels, value }) => ({ labels: { ...labels }, value }))
    }))
  }

  private meter (): Meter {
    const meter = createNoopMeter()
    const noopCreateCounter = meter.createCounter.bind(meter)
    meter.createCounter = <A extends Attributes>(name: string, options?: object): Counter<A> => {
      const family = PROCESSOR_INSTRUMENTS[name]
      if (family === undefined) return noopCreateCounter(name, options)
      return {
        add: (value: number, attributes?: A) => {
          const componentType = attributes?.['otel.component.type']
          const errorType = attributes?.['error.type']
          this.add(family, value, typeof componentType === 'string' ? componentType : 'unknown', typeof errorType === 'string' ? errorType : undefined)
        }
      }
    }
    return meter
  }
}
