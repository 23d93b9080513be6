// The protobuf wire format, read by hand: enough to decode a message whose schema the caller
// knows. Kept apart from the encoder under test, so that a test does not read the SDK's bytes
// with the SDK's own code.

/** One field as it is on the wire: a varint, or the raw bytes of the other wire types. */
export type WireValue = bigint | Uint8Array

/** A message's fields by number; a repeated field has one value per occurrence. */
export type WireMessage = ReadonlyMap<number, readonly WireValue[]>

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/** The fields of one message. Throws on a truncated message or a wire type protobuf 3 does not use. */
export function readMessage (bytes: Uint8Array): WireMessage {
  const fields = new Map<number, WireValue[]>()
  let at = 0
  const readVarint = (): bigint => {
    let value = 0n
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new Error('truncated varint')
      const byte = bytes[at++]!
      value |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
    }
  }
  const take = (length: number): Uint8Array => {
    if (at + length > bytes.length) throw new Error('truncated field')
    at += length
    return bytes.subarray(at - length, at)
  }
  while (at < bytes.length) {
    const key = readVarint()
    const number = Number(key >> 3n)
    const wireType = Number(key & 7n)
    let value: WireValue
    switch (wireType) {
      case VARINT: value = readVarint(); break
      case FIXED64: value = take(8); break
      case LENGTH_DELIMITED: value = take(Number(readVarint())); break
      case FIXED32: value = take(4); break
      default: throw new Error(`wire type ${wireType} of field ${number}`)
    }
    const list = fields.get(number)
    if (list === undefined) fields.set(number, [value])
    else list.push(value)
  }
  return fields
}

function bytesOf (value: WireValue | undefined, length?: number): Uint8Array | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'bigint' || (length !== undefined && value.length !== length)) throw new Error('unexpected wire type')
  return value
}

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** The last value of a field (a later one wins, as protobuf asks), or every value of a repeated one. */
export const last = (message: WireMessage, field: number): WireValue | undefined => message.get(field)?.at(-1)
export const all = (message: WireMessage, field: number): readonly WireValue[] => message.get(field) ?? []

export function varint (value: WireValue | undefined): bigint | undefined {
  if (value !== undefined && typeof value !== 'bigint') throw new Error('unexpected wire type')
  return value
}

export const bytes = (value: WireValue | undefined): Uint8Array | undefined => bytesOf(value)
export const message = (value: WireValue | undefined): WireMessage | undefined => {
  const raw = bytesOf(value)
  return raw === undefined ? undefined : readMessage(raw)
}
export const string = (value: WireValue | undefined): string | undefined => {
  const raw = bytesOf(value)
  return raw === undefined ? undefined : Buffer.from(raw).toString('utf8')
}
export const fixed32 = (value: WireValue | undefined): number | undefined => {
  const raw = bytesOf(value, 4)
  return raw === undefined ? undefined : view(raw).getUint32(0, true)
}
export const fixed64 = (value: WireValue | undefined): bigint | undefined => {
  const raw = bytesOf(value, 8)
  return raw === undefined ? undefined : view(raw).getBigUint64(0, true)
}
export const double = (value: WireValue | undefined): number | undefined => {
  const raw = bytesOf(value, 8)
  return raw === undefined ? undefined : view(raw).getFloat64(0, true)
}
