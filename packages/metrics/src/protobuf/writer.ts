// The protobuf wire format, written by hand into one growing buffer: varints, zigzag, fixed64,
// doubles, strings, bytes, packed fields and nested messages. Nothing here knows a message: the
// Prometheus exposition (metrics.proto) and the OTLP push (opentelemetry-proto) both write with it.

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2

const TWO_32 = 2 ** 32

const encoder = new TextEncoder()

/**
 * Writes protobuf fields. A nested message (or packed field) is written in place between
 * `begin(field)` and `end()`: one byte is kept for its length, and the body moves only when the
 * length needs more (128 bytes or longer). `begin()` without a field opens a length-prefixed
 * message as a delimited stream has them.
 */
export class ProtobufWriter {
  private buffer: Uint8Array
  private view: DataView
  private at = 0
  /** Where each open message starts (its tag) and where its length goes, innermost last. */
  private readonly starts: number[] = []
  private readonly lengths: number[] = []

  constructor (initialBytes = 16 * 1024) {
    this.buffer = new Uint8Array(initialBytes)
    this.view = new DataView(this.buffer.buffer)
  }

  private reserve (bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.at + bytes) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.at))
    this.buffer = grown
    this.view = new DataView(grown.buffer)
  }

  /** An unsigned integer below 2^53 as a varint. */
  private varint (value: number): void {
    this.reserve(10)
    while (value >= 0x80) {
      this.buffer[this.at++] = (value % 0x80) | 0x80
      value = Math.floor(value / 0x80)
    }
    this.buffer[this.at++] = value
  }

  private tag (field: number, wireType: number): void {
    this.varint(field * 8 + wireType)
  }

  /** uint32, uint64 and enums; also int32/int64 for values that are never negative. */
  uint (field: number, value: number): void {
    this.tag(field, VARINT)
    this.varint(value)
  }

  /** sint32 and sint64: zigzag, so that small negative numbers stay short. */
  sint (field: number, value: number): void {
    this.tag(field, VARINT)
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1)
  }

  double (field: number, value: number): void {
    this.tag(field, FIXED64)
    this.reserve(8)
    this.view.setFloat64(this.at, value, true)
    this.at += 8
  }

  /** fixed64 of a non-negative whole number below 2^53 (counts). */
  fixed64 (field: number, value: number): void {
    this.tag(field, FIXED64)
    this.rawFixed64(value)
  }

  private rawFixed64 (value: number): void {
    this.reserve(8)
    this.view.setUint32(this.at, value % TWO_32, true)
    this.view.setUint32(this.at + 4, Math.floor(value / TWO_32), true)
    this.at += 8
  }

  /** fixed64 from 8 little-endian bytes made once (timestamps in nanoseconds exceed 2^53). */
  fixed64Bytes (field: number, bytes: Uint8Array): void {
    this.tag(field, FIXED64)
    this.raw(bytes)
  }

  string (field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED)
    // At most 3 bytes per UTF-16 unit; a lone surrogate becomes U+FFFD, as in the text formats.
    const max = value.length * 3
    this.reserve(5 + max)
    const mark = this.at
    const reserved = max < 128 ? 1 : 5
    this.at += reserved
    const { written } = encoder.encodeInto(value, this.buffer.subarray(this.at))
    this.at += written
    this.closeLength(mark, reserved)
  }

  bytes (field: number, value: Uint8Array): void {
    this.tag(field, LENGTH_DELIMITED)
    this.varint(value.length)
    this.raw(value)
  }

  /** Raw bytes (already encoded fields), e.g. label pairs written once and copied into every metric. */
  raw (bytes: Uint8Array): void {
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.at)
    this.at += bytes.length
  }

  /** A packed repeated double; nothing for no values. */
  packedDoubles (field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return
    this.tag(field, LENGTH_DELIMITED)
    this.varint(values.length * 8)
    this.reserve(values.length * 8)
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.at, values[i]!, true)
      this.at += 8
    }
  }

  /** A packed repeated fixed64 of whole numbers below 2^53; nothing for no values. */
  packedFixed64 (field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return
    this.tag(field, LENGTH_DELIMITED)
    this.varint(values.length * 8)
    for (let i = 0; i < values.length; i++) this.rawFixed64(values[i]!)
  }

  /** A packed repeated uint64 (varints); nothing for no values. */
  packedVarints (field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return
    this.begin(field)
    for (let i = 0; i < values.length; i++) this.varint(values[i]!)
    this.end()
  }

  /** Opens a nested message in `field`, or (without one) a length-prefixed message of a delimited stream. */
  begin (field?: number): void {
    this.starts.push(this.at)
    if (field !== undefined) this.tag(field, LENGTH_DELIMITED)
    this.reserve(1)
    this.lengths.push(this.at)
    this.at += 1
  }

  /**
   * Closes the innermost open message. `following` bytes of its body are not in this writer: they
   * are sent right after it (a long message written in pieces, its length known only at the end).
   */
  end (following = 0): void {
    this.starts.pop()
    this.closeLength(this.lengths.pop()!, 1, following)
  }

  /** Drops the innermost open message, its tag and all it holds. */
  discard (): void {
    this.lengths.pop()
    this.at = this.starts.pop()!
  }

  /** Empties the writer to write anew into the buffer it has grown (whatever `finish()` returned is overwritten). */
  reset (): void {
    this.at = 0
    this.starts.length = 0
    this.lengths.length = 0
  }

  /** Bytes written so far. */
  get position (): number {
    return this.at
  }

  // The length of what follows the `reserved` bytes at `mark` (and `following` bytes more, sent
  // after this writer's) goes there, moving the body if its varint needs more or fewer bytes.
  private closeLength (mark: number, reserved: number, following = 0): void {
    const body = mark + reserved
    const length = this.at - body + following
    const needed = varintSize(length)
    if (needed !== reserved) {
      this.reserve(needed - reserved)
      this.buffer.copyWithin(mark + needed, body, this.at)
      this.at += needed - reserved
    }
    const end = this.at
    this.at = mark
    this.varint(length)
    this.at = end
  }

  /** A copy of the bytes written so far, and the writer empty again for more (no message may be open). */
  take (): Uint8Array {
    const bytes = this.buffer.slice(0, this.at)
    this.at = 0
    return bytes
  }

  /** The bytes written so far, without copying: write nothing more once taken. */
  finish (): Buffer {
    return Buffer.from(this.buffer.buffer, this.buffer.byteOffset, this.at)
  }
}

function varintSize (value: number): number {
  let size = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    size++
  }
  return size
}
