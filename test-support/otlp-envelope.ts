// The envelope every OTLP export request shares, read by the field numbers of opentelemetry-proto:
// Export{Trace,Logs}ServiceRequest 1 → Resource{Spans,Logs} (resource 1, Scope{Spans,Logs} 2 →
// (scope 1, items 2)).
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js'
import { resourceAttributes, scopeName } from './otlp-common.js'
import { all, last, message, readMessage, type WireMessage } from './protobuf-wire.js'

/** Every item (span, log record) of one export request, decoded with its resource and scope. */
export function decodeEnvelope<T> (body: Buffer, item: (raw: WireMessage, resource: Record<string, unknown>, scope: string) => T): T[] {
  const items: T[] = []
  for (const resourceItem of all(readMessage(body), 1)) {
    const resourceMessage = message(resourceItem)!
    const resource = resourceAttributes(last(resourceMessage, 1))
    for (const scopeItem of all(resourceMessage, 2)) {
      const scopeMessage = message(scopeItem)!
      const scope = scopeName(last(scopeMessage, 1))
      for (const raw of all(scopeMessage, 2)) items.push(item(message(raw)!, resource, scope))
    }
  }
  return items
}

/** An OTLP/HTTP receiver that only accepts protobuf (a JSON export would be a bug here). */
export async function startProtobufReceiver<T> (decode: (body: Buffer) => T): Promise<OtlpReceiver<T>> {
  return startOtlpReceiver((body, contentType) => {
    if (contentType !== 'application/x-protobuf') throw new Error(`expected application/x-protobuf, got ${contentType}`)
    return decode(body)
  })
}
