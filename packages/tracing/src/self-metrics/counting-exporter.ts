import { type ExportResult, ExportResultCode } from '@opentelemetry/core'
import { exportErrorType } from '@obs/core'
import type { ExportFailureLog } from './export-failure-log.js'
import type { SelfMetricName, SelfMetrics } from './self-metrics.js'

/** What span and log record exporters share. */
export interface Exporter<T> {
  export (items: T[], resultCallback: (result: ExportResult) => void): void
  shutdown (): Promise<void>
  forceFlush? (): Promise<void>
}

export interface ExportCounting {
  readonly selfMetrics: SelfMetrics
  readonly failures: ExportFailureLog
  /** `otel_sdk_exporter_span_exported_total` or the log one. */
  readonly metric: SelfMetricName
  /** `otlp_grpc_span_exporter`, …: the `otel_component_type` label. */
  readonly componentType: string
  /** `spans` or `log records`, for the failure warning. */
  readonly what: string
  readonly endpoint: string
  readonly grpc: boolean
}

/**
 * `exporter`, with the outcome of every `export()` counted: the items of a batch that went out,
 * or failed with an `error_type`; a failure is also written out, at most once per interval.
 */
export function countExports<T> (exporter: Exporter<T>, counting: ExportCounting): Exporter<T> {
  const { selfMetrics, failures, metric, componentType, what, endpoint, grpc } = counting
  const counted: Exporter<T> = {
    export (items, resultCallback) {
      exporter.export(items, (result) => {
        if (result.code === ExportResultCode.SUCCESS) {
          selfMetrics.add(metric, items.length, componentType)
        } else {
          const errorType = exportErrorType(result.error, grpc)
          selfMetrics.add(metric, items.length, componentType, errorType)
          failures.report(componentType, metric, what, items.length, errorType, endpoint)
        }
        resultCallback(result)
      })
    },
    shutdown: () => exporter.shutdown()
  }
  if (exporter.forceFlush !== undefined) counted.forceFlush = () => exporter.forceFlush!()
  return counted
}
