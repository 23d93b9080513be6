// Decodes OTLP log exports (collector/logs/v1 ExportLogsServiceRequest, whose field 1 is that of
// logs/v1 LogsData) by the field numbers of opentelemetry-proto, with the test-support wire
// reader, apart from the encoder under test.
import { startOtlpGrpcReceiver, type OtlpGrpcReceiver } from './otlp-grpc-receiver.js'
import type { OtlpExport, OtlpReceiver } from './otlp-receiver.js'
import { anyValue, attributes, hex } from './otlp-common.js'
import { all, fixed32, fixed64, last, message, string, varint, type WireMessage } from './protobuf-wire.js'
import { decodeEnvelope, startProtobufReceiver } from './otlp-envelope.js'

/** A log record as decoded from the wire, ids in hex and attributes as a plain object. */
export interface WireLogRecord {
  timeNanos: bigint
  observedTimeNanos: bigint
  severityNumber: number
  severityText: string | undefined
  body: unknown
  attributes: Record<string, unknown>
  /** The W3C trace flags (the low byte of the record's flags). */
  traceFlags: number
  traceId: string | undefined
  spanId: string | undefined
  resource: Record<string, unknown>
  scope: string
}

/** logs.v1.SeverityNumber values used by the tests. */
export const SEVERITY = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 } as const

/**
 * logs.v1.LogRecord: time_unix_nano 1, severity_number 2, severity_text 3, body 5, attributes 6,
 * flags 8, trace_id 9, span_id 10, observed_time_unix_nano 11.
 */
function logRecord (raw: WireMessage, resource: Record<string, unknown>, scope: string): WireLogRecord {
  const body = message(last(raw, 5))
  return {
    timeNanos: fixed64(last(raw, 1)) ?? 0n,
    observedTimeNanos: fixed64(last(raw, 11)) ?? 0n,
    severityNumber: Number(varint(last(raw, 2)) ?? 0n),
    severityText: string(last(raw, 3)),
    body: body === undefined ? undefined : anyValue(body),
    attributes: attributes(all(raw, 6)),
    traceFlags: (fixed32(last(raw, 8)) ?? 0) & 0xff,
    traceId: hex(last(raw, 9)),
    spanId: hex(last(raw, 10)),
    resource,
    scope
  }
}

/** Every record of one `ExportLogsServiceRequest` (scope_logs 2, log_records 2). */
export function decodeLogsExport (body: Buffer): WireLogRecord[] {
  return decodeEnvelope(body, logRecord)
}

/** An OTLP/HTTP receiver of protobuf log exports. */
export async function startLogsReceiver (): Promise<OtlpReceiver<WireLogRecord[]>> {
  return startProtobufReceiver(decodeLogsExport)
}

/** An OTLP/gRPC receiver of log exports. */
export async function startGrpcLogsReceiver (): Promise<OtlpGrpcReceiver<WireLogRecord[]>> {
  return startOtlpGrpcReceiver(['logs'], (body) => decodeLogsExport(body))
}

/** Every record a receiver has got so far. */
export function receivedRecords (receiver: { exports: Array<OtlpExport<WireLogRecord[]>> }): WireLogRecord[] {
  return receiver.exports.flatMap((e) => e.decoded)
}
