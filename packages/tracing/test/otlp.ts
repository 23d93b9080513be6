// Decodes OTLP/HTTP protobuf trace exports with the OpenTelemetry protobuf definitions: the
// protobufjs module generated from opentelemetry-proto that @opentelemetry/otlp-transformer
// shipped (0.216 is the last release whose generated module has the trace messages; later ones
// encode traces by hand).
import { createRequire } from 'node:module'
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-support/otlp-receiver.js'

interface MessageType {
  decode (body: Uint8Array): object
  toObject (message: object, options: Record<string, unknown>): Record<string, unknown>
}
const root = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType } } } } }
}
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest

interface AnyValue { stringValue?: string, intValue?: string, boolValue?: boolean, doubleValue?: number, arrayValue?: { values?: AnyValue[] } }
interface KeyValue { key: string, value: AnyValue }
interface RawSpan {
  traceId: Uint8Array
  spanId: Uint8Array
  parentSpanId?: Uint8Array
  traceState?: string
  name: string
  kind: number
  startTimeUnixNano: string
  endTimeUnixNano: string
  attributes?: KeyValue[]
  events?: Array<{ name: string, attributes?: KeyValue[] }>
  status?: { code?: number, message?: string }
}
interface RawRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] }
    scopeSpans?: Array<{ scope?: { name: string, version?: string }, spans?: RawSpan[] }>
  }>
}

/** A span as decoded from the wire, with ids in hex and attributes as a plain object. */
export interface WireSpan {
  name: string
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  traceState: string | undefined
  startNanos: bigint
  endNanos: bigint
  attributes: Record<string, unknown>
  events: Array<{ name: string, attributes: Record<string, unknown> }>
  status: { code: number, message: string | undefined }
  resource: Record<string, unknown>
  scope: string
}

export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const
export const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const

function value (v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue
  if (v.intValue !== undefined) return Number(v.intValue)
  if (v.boolValue !== undefined) return v.boolValue
  if (v.doubleValue !== undefined) return v.doubleValue
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(value)
  return undefined
}

function attributes (list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]))
}

const hex = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined || bytes.length === 0 ? undefined : Buffer.from(bytes).toString('hex')

/** Every span of one `ExportTraceServiceRequest` body. */
export function decodeTraceExport (body: Buffer): WireSpan[] {
  const message = ExportTraceServiceRequest.decode(body)
  const request = ExportTraceServiceRequest.toObject(message, { longs: String, defaults: false }) as RawRequest
  const spans: WireSpan[] = []
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes)
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          name: span.name,
          kind: span.kind,
          traceId: hex(span.traceId)!,
          spanId: hex(span.spanId)!,
          parentSpanId: hex(span.parentSpanId),
          traceState: span.traceState === '' ? undefined : span.traceState,
          startNanos: BigInt(span.startTimeUnixNano),
          endNanos: BigInt(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributes(event.attributes) })),
          status: { code: span.status?.code ?? 0, message: span.status?.message },
          resource,
          scope: scopeSpans.scope?.name ?? ''
        })
      }
    }
  }
  return spans
}

/** A receiver that only accepts protobuf: a JSON export would be a bug here. */
export async function startTraceReceiver (): Promise<OtlpReceiver<WireSpan[]>> {
  return startOtlpReceiver((body, contentType) => {
    if (contentType !== 'application/x-protobuf') throw new Error(`expected application/x-protobuf, got ${contentType}`)
    return decodeTraceExport(body)
  })
}

/** Every span the receiver has got so far. */
export function receivedSpans (receiver: OtlpReceiver<WireSpan[]>): WireSpan[] {
  return receiver.exports.flatMap((e) => e.decoded)
}
