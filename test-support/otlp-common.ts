// The parts of opentelemetry-proto that every signal shares (common/v1, resource/v1), read from
// the wire by their field numbers, apart from any encoder under test.
import { all, bytes, double, last, message, string, varint, type WireMessage, type WireValue } from './protobuf-wire.js'

/** common.v1.AnyValue: string 1, bool 2, int 3, double 4, array 5 (values 1), kvlist 6, bytes 7. */
export function anyValue (value: WireMessage): unknown {
  if (value.has(1)) return string(last(value, 1))
  if (value.has(2)) return varint(last(value, 2)) !== 0n
  if (value.has(3)) return Number(BigInt.asIntN(64, varint(last(value, 3))!))
  if (value.has(4)) return double(last(value, 4))
  if (value.has(5)) return all(message(last(value, 5))!, 1).map((item) => anyValue(message(item)!))
  if (value.has(6)) return attributes(all(message(last(value, 6))!, 1))
  if (value.has(7)) return bytes(last(value, 7))
  return undefined
}

/** Repeated common.v1.KeyValue (key 1, value 2) as an object. */
export function attributes (list: readonly WireValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((item) => {
    const kv = message(item)!
    const value = message(last(kv, 2))
    return [string(last(kv, 1)), value === undefined ? undefined : anyValue(value)]
  }))
}

/** resource.v1.Resource (attributes 1) as an object; absent is empty. */
export function resourceAttributes (value: WireValue | undefined): Record<string, unknown> {
  const resource = message(value)
  return resource === undefined ? {} : attributes(all(resource, 1))
}

/** common.v1.InstrumentationScope's name (1); absent is ''. */
export function scopeName (value: WireValue | undefined): string {
  const scope = message(value)
  return scope === undefined ? '' : string(last(scope, 1)) ?? ''
}

/** Bytes as lower-case hex; absent or empty is undefined (trace and span ids). */
export function hex (value: WireValue | undefined): string | undefined {
  const raw = bytes(value)
  return raw === undefined || raw.length === 0 ? undefined : Buffer.from(raw).toString('hex')
}
