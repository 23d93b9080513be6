// The official OTLP transports (@opentelemetry/otlp-exporter-base over HTTP, otlp-grpc-exporter-base
// over gRPC), given bytes we encoded ourselves: they bring retries with backoff, the timeout,
// gzip, TLS from OTEL_EXPORTER_OTLP_*_CERTIFICATE and the user agent.
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http'
import { convertLegacyOtlpGrpcOptions, createEmptyMetadata, createOtlpGrpcExportDelegate } from '@opentelemetry/otlp-grpc-exporter-base'
import type { EncodedRequest } from './metrics-request.js'

export type OtlpProtocol = 'http/protobuf' | 'grpc'

export interface TransportOptions {
  readonly protocol: OtlpProtocol
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly compression: 'gzip' | 'none'
}

export interface OtlpTransport {
  send (request: EncodedRequest): Promise<void>
  shutdown (): Promise<void>
}

// The request is already bytes: the delegate's serializer only hands them on.
const serializer = {
  serializeRequest: (request: EncodedRequest): Uint8Array => request.bytes,
  deserializeResponse: (): Record<string, never> => ({})
}
const countPoints = { name: 'metric_data_point' as const, countItems: (request: EncodedRequest): number => request.points }

const GRPC_SERVICE = 'MetricsExportService'
const GRPC_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export'

export function createOtlpTransport (options: TransportOptions): OtlpTransport {
  const common = { url: options.url, timeoutMillis: options.timeoutMs, compression: options.compression as never, concurrencyLimit: 2 }
  const delegate = options.protocol === 'grpc'
    ? createOtlpGrpcExportDelegate(
      convertLegacyOtlpGrpcOptions({ ...common, metadata: metadataOf(options.headers) }, 'METRICS'),
      serializer as never, 'otlp_grpc_metric_exporter', countPoints, undefined, GRPC_SERVICE, GRPC_PATH)
    : createOtlpHttpExportDelegate(
      convertLegacyHttpOptions({ ...common, headers: { ...options.headers } }, 'METRICS', 'v1/metrics', { 'Content-Type': 'application/x-protobuf' }),
      serializer as never, 'otlp_http_metric_exporter', countPoints, undefined)
  return {
    send: (request) => new Promise<void>((resolve, reject) => {
      delegate.export(request, (result) => {
        if (result.code === 0) resolve()
        else reject(result.error ?? new Error('OTLP export failed'))
      })
    }),
    shutdown: () => delegate.shutdown()
  }
}

function metadataOf (headers: Readonly<Record<string, string>>): ReturnType<typeof createEmptyMetadata> {
  const metadata = createEmptyMetadata()
  for (const [name, value] of Object.entries(headers)) metadata.set(name, value)
  return metadata
}
