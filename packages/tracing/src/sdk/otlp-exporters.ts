import { OTLPLogExporter as OTLPGrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc'
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { OTLPTraceExporter as OTLPGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc'
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import type { LogRecordExporter } from '@opentelemetry/sdk-logs'
import type { SpanExporter } from '@opentelemetry/sdk-trace'
import { createRequire } from 'node:module'
import { countExports, type Exporter } from '../self-metrics/counting-exporter.js'
import type { ExportFailureLog } from '../self-metrics/export-failure-log.js'
import type { SelfMetrics } from '../self-metrics/self-metrics.js'
import type { OtlpSignal, OtlpTarget } from './otlp-target.js'

/** What every exporter of one SDK reports to. */
export interface ExportObservers {
  readonly selfMetrics: SelfMetrics
  readonly failures: ExportFailureLog
}

/** The exporters' compression setting (an enum of @opentelemetry/otlp-exporter-base, 'gzip' or 'none'). */
type CompressionAlgorithm = NonNullable<NonNullable<ConstructorParameters<typeof OTLPProtoTraceExporter>[0]>['compression']>

interface GrpcMetadata {
  set (key: string, value: string): void
}

/**
 * Headers as gRPC metadata, built with the copy of @grpc/grpc-js the OTLP/gRPC exporters
 * themselves use (this package does not depend on it directly; loaded only for gRPC).
 */
function grpcMetadata (headers: Readonly<Record<string, string>>): GrpcMetadata {
  const require = createRequire(import.meta.resolve('@opentelemetry/exporter-trace-otlp-grpc'))
  const { Metadata } = require('@grpc/grpc-js') as { Metadata: new () => GrpcMetadata }
  const metadata = new Metadata()
  for (const [key, value] of Object.entries(headers)) {
    try {
      metadata.set(key.toLowerCase(), value)
    } catch {
      // grpc-js refuses keys outside [0-9a-z_.-] and values outside printable ASCII: that header
      // is left out, named without its value (it may be a secret), and the rest still go.
      process.emitWarning(`The header "${key}" is not valid gRPC metadata and is not sent`, { code: 'OBS_TRACING_INVALID_HEADER' })
    }
  }
  return metadata
}

/**
 * The component type of an OTLP exporter, as the SDK self-observability conventions name it
 * (`otlp_http_span_exporter`, `otlp_http_json_span_exporter`, `otlp_grpc_log_exporter`, …).
 */
export function exporterComponentType (signal: OtlpSignal, protocol: OtlpTarget['protocol']): string {
  const transport = protocol === 'grpc' ? 'grpc' : protocol === 'http/json' ? 'http_json' : 'http'
  return `otlp_${transport}_${signal === 'traces' ? 'span' : 'log'}_exporter`
}

function settings (target: OtlpTarget): { url: string, compression?: CompressionAlgorithm, timeoutMillis?: number } {
  return {
    url: target.url,
    ...(target.compression === undefined ? {} : { compression: target.compression as CompressionAlgorithm }),
    ...(target.timeoutMs === undefined ? {} : { timeoutMillis: target.timeoutMs })
  }
}

/** What the counters and the failure warning call one signal's exports. */
const COUNTED = {
  traces: { metric: 'otel_sdk_exporter_span_exported_total', what: 'spans' },
  logs: { metric: 'otel_sdk_exporter_log_exported_total', what: 'log records' }
} as const

function counted<T> (exporter: Exporter<T>, signal: OtlpSignal, target: OtlpTarget, observers: ExportObservers): Exporter<T> {
  return countExports(exporter, {
    ...observers,
    ...COUNTED[signal],
    componentType: exporterComponentType(signal, target.protocol),
    endpoint: target.url,
    grpc: target.protocol === 'grpc'
  })
}

/** An OTLP span exporter for the target's protocol, its exports counted. */
export function createOtlpSpanExporter (target: OtlpTarget, observers: ExportObservers): SpanExporter {
  const exporter = target.protocol === 'grpc'
    ? new OTLPGrpcTraceExporter({ ...settings(target), metadata: grpcMetadata(target.headers) as never })
    : target.protocol === 'http/json'
      ? new OTLPJsonTraceExporter({ ...settings(target), headers: { ...target.headers } })
      : new OTLPProtoTraceExporter({ ...settings(target), headers: { ...target.headers } })
  return counted(exporter, 'traces', target, observers) as SpanExporter
}

/** An OTLP log record exporter (HTTP/protobuf or gRPC), its exports counted. */
export function createOtlpLogExporter (target: OtlpTarget, observers: ExportObservers): LogRecordExporter {
  const exporter = target.protocol === 'grpc'
    ? new OTLPGrpcLogExporter({ ...settings(target), metadata: grpcMetadata(target.headers) as never })
    : new OTLPProtoLogExporter({ ...settings(target), headers: { ...target.headers } })
  return counted(exporter, 'logs', target, observers) as LogRecordExporter
}
