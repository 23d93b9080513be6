// Decodes OTLP/HTTP protobuf trace exports by the field numbers of opentelemetry-proto
// (collector/trace/v1, trace/v1, common/v1, resource/v1). @opentelemetry/otlp-transformer no
// longer ships the generated protobufjs module these tests decoded with (0.216 was the last
// with the trace messages), so the wire format is read here, apart from the encoder under test.
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-support/otlp-receiver.js'
import { all, bytes, double, fixed32, fixed64, last, message, readMessage, string, varint, type WireMessage, type WireValue } from './protobuf.js'

/** A span as decoded from the wire, with ids in hex and attributes as a plain object. */
export interface WireSpan {
  name: string
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  traceState: string | undefined
  /** The W3C trace flags of the span (the low byte of OTLP's span flags). */
  traceFlags: number
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

/** common.v1.AnyValue: string 1, bool 2, int 3, double 4, array 5 (values 1), bytes 7. */
function anyValue (value: WireMessage): unknown {
  if (value.has(1)) return string(last(value, 1))
  if (value.has(2)) return varint(last(value, 2)) !== 0n
  if (value.has(3)) return Number(BigInt.asIntN(64, varint(last(value, 3))!))
  if (value.has(4)) return double(last(value, 4))
  if (value.has(5)) return all(message(last(value, 5))!, 1).map((item) => anyValue(message(item)!))
  if (value.has(7)) return bytes(last(value, 7))
  return undefined
}

/** Repeated common.v1.KeyValue (key 1, value 2) as an object. */
function attributes (list: readonly WireValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((item) => {
    const kv = message(item)!
    const value = message(last(kv, 2))
    return [string(last(kv, 1)), value === undefined ? undefined : anyValue(value)]
  }))
}

const hex = (value: WireValue | undefined): string | undefined => {
  const raw = bytes(value)
  return raw === undefined || raw.length === 0 ? undefined : Buffer.from(raw).toString('hex')
}

/** trace.v1.Span; its events (11: name 2, attributes 3) and status (15: message 2, code 3). */
function span (raw: WireMessage, resource: Record<string, unknown>, scope: string): WireSpan {
  const status = message(last(raw, 15))
  const traceState = string(last(raw, 3))
  return {
    name: string(last(raw, 5)) ?? '',
    kind: Number(varint(last(raw, 6)) ?? 0n),
    traceId: hex(last(raw, 1))!,
    spanId: hex(last(raw, 2))!,
    parentSpanId: hex(last(raw, 4)),
    traceState: traceState === '' ? undefined : traceState,
    traceFlags: (fixed32(last(raw, 16)) ?? 0) & 0xff,
    startNanos: fixed64(last(raw, 7)) ?? 0n,
    endNanos: fixed64(last(raw, 8)) ?? 0n,
    attributes: attributes(all(raw, 9)),
    events: all(raw, 11).map((item) => {
      const event = message(item)!
      return { name: string(last(event, 2)) ?? '', attributes: attributes(all(event, 3)) }
    }),
    status: {
      code: status === undefined ? 0 : Number(varint(last(status, 3)) ?? 0n),
      message: status === undefined ? undefined : string(last(status, 2))
    },
    resource,
    scope
  }
}

/**
 * Every span of one `ExportTraceServiceRequest` body: resource_spans 1 → (resource 1 →
 * attributes 1), scope_spans 2 → (scope 1 → name 1), spans 2.
 */
export function decodeTraceExport (body: Buffer): WireSpan[] {
  const spans: WireSpan[] = []
  for (const item of all(readMessage(body), 1)) {
    const resourceSpans = message(item)!
    const resourceMessage = message(last(resourceSpans, 1))
    const resource = resourceMessage === undefined ? {} : attributes(all(resourceMessage, 1))
    for (const scopeItem of all(resourceSpans, 2)) {
      const scopeSpans = message(scopeItem)!
      const scopeMessage = message(last(scopeSpans, 1))
      const scope = scopeMessage === undefined ? '' : string(last(scopeMessage, 1)) ?? ''
      for (const spanItem of all(scopeSpans, 2)) spans.push(span(message(spanItem)!, resource, scope))
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
