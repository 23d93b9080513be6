// Decodes OTLP/HTTP protobuf trace exports by the field numbers of opentelemetry-proto
// (collector/trace/v1, trace/v1, common/v1, resource/v1). @opentelemetry/otlp-transformer no
// longer ships the generated protobufjs module these tests decoded with (0.216 was the last
// with the trace messages), so the wire format is read here, apart from the encoder under test.
import type { OtlpReceiver } from './otlp-receiver.js'
import { attributes, hex } from './otlp-common.js'
import { all, fixed32, fixed64, last, message, string, varint, type WireMessage } from './protobuf-wire.js'
import { decodeEnvelope, startProtobufReceiver } from './otlp-envelope.js'

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

/** Every span of one `ExportTraceServiceRequest` body (scope_spans 2, spans 2). */
export function decodeTraceExport (body: Buffer): WireSpan[] {
  return decodeEnvelope(body, span)
}

/** An OTLP/HTTP receiver of protobuf trace exports. */
export async function startTraceReceiver (): Promise<OtlpReceiver<WireSpan[]>> {
  return startProtobufReceiver(decodeTraceExport)
}

/** Every span the receiver has got so far. */
export function receivedSpans (receiver: OtlpReceiver<WireSpan[]>): WireSpan[] {
  return receiver.exports.flatMap((e) => e.decoded)
}
