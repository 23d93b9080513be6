import { Counter, type Registry } from '@prometheus-io/client'

/** Named after OpenTelemetry's SDK self-observability conventions (otel.sdk.exporter.metric_data_point.exported). */
export const EXPORTED = 'otel_sdk_exporter_metric_data_point_exported_total'

export interface PushSelfMetrics {
  /** Data points a sink finished with; `errorType` set when the export failed. */
  exported (componentType: string, points: number, errorType?: string): void
  /** A push that did not start because the previous one of the same sink was still running. */
  skipped (componentType: string): void
}

function counter<L extends string> (registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  // A registry shared by two Fastify instances already has them: count in the same family.
  const existing = registry.getSingleMetric(name)
  if (existing instanceof Counter) return existing as Counter<L>
  return new Counter({ name, help, labelNames, registers: [registry] })
}

/** A bound on the error types counted: they come from outside (status codes, error names). */
const MAX_ERROR_TYPES = 64
const OVERFLOW_ERROR_TYPE = '_OTHER'

export function pushSelfMetrics (registry: Registry, prefix: string): PushSelfMetrics {
  const errorTypes = new Set<string>()
  const exported = counter(registry, EXPORTED,
    'Metric data points for which a push finished, successfully or not (error_type is set when it failed), by sink.',
    ['otel_component_type', 'error_type'])
  const skipped = counter(registry, `${prefix}obs_metrics_push_skipped_total`,
    'Pushes not started because the previous push of the same sink was still running, by sink.',
    ['otel_component_type'])
  return {
    exported (componentType, points, errorType) {
      if (errorType !== undefined && !errorTypes.has(errorType)) {
        if (errorTypes.size < MAX_ERROR_TYPES) errorTypes.add(errorType)
        else errorType = OVERFLOW_ERROR_TYPE
      }
      exported.inc(errorType === undefined ? { otel_component_type: componentType } : { otel_component_type: componentType, error_type: errorType }, points)
    },
    skipped (componentType) {
      skipped.inc({ otel_component_type: componentType })
    }
  }
}
