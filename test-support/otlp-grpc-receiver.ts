import { Server, ServerCredentials, status, type Metadata, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js'
import type { OtlpExport } from './otlp-receiver.js'

/** The three OTLP export services, by the package and name that opentelemetry-proto gives them. */
const SERVICES = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService'
} as const

export type OtlpSignal = keyof typeof SERVICES

export interface OtlpGrpcReceiver<T> {
  /** `http://127.0.0.1:<port>`: the endpoint an OTLP/gRPC exporter takes (plaintext). */
  url: string
  /** Every export received so far, in order; `path` is the gRPC method path. */
  exports: Array<OtlpExport<T>>
  /** While set, every export is answered with this gRPC status code (e.g. `status.UNAVAILABLE`). */
  failWith: status | undefined
  close (): Promise<void>
}

const raw = (buffer: Buffer): Buffer => buffer

function exportService (signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: `/${SERVICES[signal]}/Export`,
      requestStream: false,
      responseStream: false,
      // Bytes in and out: the caller decodes with its own reader, apart from any encoder under test.
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw
    }
  }
}

const headersOf = (metadata: Metadata): Record<string, string> =>
  Object.fromEntries(Object.entries(metadata.getMap()).map(([key, value]) => [key, String(value)]))

/**
 * A minimal OTLP/gRPC receiver on 127.0.0.1 for the given signals: it answers every export with an
 * empty success (a valid empty `Export*ServiceResponse`), or with `failWith`, and keeps what it got.
 */
export async function startOtlpGrpcReceiver<T> (signals: readonly OtlpSignal[], decode: (body: Buffer, signal: OtlpSignal) => T): Promise<OtlpGrpcReceiver<T>> {
  const server = new Server()
  const receiver: OtlpGrpcReceiver<T> = {
    url: '',
    exports: [],
    failWith: undefined,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve()))
  }
  for (const signal of signals) {
    const implementation: UntypedServiceImplementation = {
      Export (call: { request: Buffer, metadata: Metadata }, callback: (error: { code: status, details: string } | null, response?: Buffer) => void) {
        if (receiver.failWith !== undefined) {
          callback({ code: receiver.failWith, details: 'refused by the test receiver' })
          return
        }
        try {
          const decoded = decode(call.request, signal)
          receiver.exports.push({ path: `/${SERVICES[signal]}/Export`, headers: headersOf(call.metadata), body: call.request, decoded })
          callback(null, Buffer.alloc(0))
        } catch (error) {
          callback({ code: status.INVALID_ARGUMENT, details: String(error) })
        }
      }
    }
    server.addService(exportService(signal), implementation)
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => error === null ? resolve(bound) : reject(error))
  })
  receiver.url = `http://127.0.0.1:${port}`
  return receiver
}
