// The official OTLP transports (@opentelemetry/otlp-exporter-base over HTTP, otlp-grpc-exporter-base
// over gRPC), given bytes we encoded ourselves: they bring retries with backoff, the timeout,
// gzip, TLS from OTEL_EXPORTER_OTLP_*_CERTIFICATE and the user agent.
import type { IExporterTransport } from '@opentelemetry/otlp-exporter-base'
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
  /** Sends within `budgetMs` (retries included), or the transport's own timeout if that is shorter. */
  send (request: EncodedRequest, budgetMs: number): Promise<void>
  shutdown (): Promise<void>
}

// The request is already bytes: the delegate's serializer only hands them on.
const serializer = {
  serializeRequest: (request: EncodedRequest): Uint8Array => request.bytes,
  deserializeResponse: (): Record<string, never> => ({})
}
const countPoints = { name: 'metric_data_point' as const, countItems: (request: EncodedRequest): number => request.points }

/** What both delegates offer (the gRPC one is built on another patch release of otlp-exporter-base). */
interface ExportDelegate {
  export (request: EncodedRequest, done: (result: { code: number, error?: Error }) => void): void
  shutdown (): Promise<void>
}

const GRPC_SERVICE = 'MetricsExportService'
const GRPC_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export'

/**
 * `options.headers` are the sink's resolved headers (those given in code, else the variables'):
 * the legacy converters would merge OTEL_EXPORTER_OTLP_*HEADERS under them, sending an API key of
 * the environment to an endpoint given in code, so their result gets exactly ours instead.
 */
export function createOtlpTransport (options: TransportOptions): OtlpTransport {
  const common = { url: options.url, timeoutMillis: options.timeoutMs, compression: options.compression as never, concurrencyLimit: 2 }
  let delegate: ExportDelegate
  if (options.protocol === 'grpc') {
    const config = convertLegacyOtlpGrpcOptions(common, 'METRICS')
    const metadata = grpcHeaders(options.headers)
    config.metadata = () => metadataOf(metadata)
    delegate = createOtlpGrpcExportDelegate(config, serializer as never, 'otlp_grpc_metric_exporter', countPoints, undefined, GRPC_SERVICE, GRPC_PATH)
  } else {
    const config = convertLegacyHttpOptions(common, 'METRICS', 'v1/metrics', {})
    const headers = { ...options.headers, 'Content-Type': 'application/x-protobuf' }
    config.headers = async () => ({ ...headers }) // the transport adds User-Agent to what it gets
    delegate = createOtlpHttpExportDelegate(config, serializer as never, 'otlp_http_metric_exporter', countPoints, undefined)
  }
  const budget = budgetedTimeout(delegate, options.timeoutMs)
  return {
    send: (request, budgetMs) => new Promise<void>((resolve, reject) => {
      budget.set(budgetMs)
      delegate.export(request, (result) => {
        if (result.code === 0) resolve()
        else reject(result.error ?? new Error('OTLP export failed'))
      })
    }),
    shutdown: () => delegate.shutdown()
  }
}

/**
 * The delegates take one timeout when they are made, and a push that spent part of its own on
 * collecting and encoding must not give the send all of it. The delegate hands its timeout to its
 * transport per send (the retrying transport's deadline): the transport is wrapped to get what is
 * left of the push instead. Sends never overlap (a pusher runs one push at a time). Should the
 * delegate's insides change, sends keep the transport's own timeout.
 */
function budgetedTimeout (delegate: ExportDelegate, timeoutMs: number): { set (budgetMs: number): void } {
  let budgetMs = timeoutMs
  const inside = delegate as unknown as { _transport?: IExporterTransport }
  const transport = inside._transport
  if (transport !== undefined && typeof transport.send === 'function') {
    inside._transport = {
      send: (data, timeoutMillis) => transport.send(data, Math.max(1, Math.min(timeoutMillis, budgetMs))),
      shutdown: () => transport.shutdown()
    }
  }
  return { set: (value) => { budgetMs = value } }
}

/**
 * The headers gRPC metadata can carry, checked once: grpc-js refuses keys outside [0-9a-z_.-] and
 * values outside printable ASCII (a token read with its trailing newline) with an error that
 * quotes the value. Such a header is left out, named without its value (it may be a secret).
 */
function grpcHeaders (headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase()
    if (/^[0-9a-z_.-]+$/.test(key) && /^[\x20-\x7e]*$/.test(value)) out[key] = value
    else process.emitWarning(`The header "${name}" is not valid gRPC metadata and is not sent`, { code: 'OBS_METRICS_INVALID_HEADER' })
  }
  return out
}

function metadataOf (headers: Readonly<Record<string, string>>): ReturnType<typeof createEmptyMetadata> {
  const metadata = createEmptyMetadata()
  for (const [name, value] of Object.entries(headers)) metadata.set(name, value)
  return metadata
}
