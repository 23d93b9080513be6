// The protobuf wire format, written by hand: varints, zigzag, doubles, strings and nested
// messages into one growing buffer. Enough for metrics.proto; nothing here knows its messages.

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2

export class ProtobufWriter {
  private buffer = new Uint8Array(16 * 1024)
  private view = new DataView(this.buffer.buffer)
  private at = 0

  private reserve (bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.at + bytes) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.at))
    this.buffer = grown
    this.view = new DataView(grown.buffer)
  }

  /** An unsigned integer up to 2^53 as a varint. */
  varint (value: number): void {
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

  /** Raw bytes (already encoded fields), e.g. label pairs written once and copied into every metric. */
  raw (bytes: Uint8Array): void {
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.at)
    this.at += bytes.length
  }

  /**
   * Starts a nested message in `field`, or (without one) a length-prefixed message as the
   * delimited stream has them. Returns the mark to pass to `end`.
   */
  begin (field?: number): number {
    if (field !== undefined) this.tag(field, LENGTH_DELIMITED)
    this.reserve(1)
    const mark = this.at
    // One byte for the length; `end` makes room for more when the message is 128 bytes or longer.
    this.at += 1
    return mark
  }

  end (mark: number): void {
    this.closeLength(mark, 1)
  }

  // The length of what follows the `reserved` bytes at `mark` goes there, moving the body if
  // its varint needs more or fewer bytes.
  private closeLength (mark: number, reserved: number): void {
    const body = mark + reserved
    const length = this.at - body
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

  /** Bytes written so far. */
  get position (): number {
    return this.at
  }

  /** Drops everything written from `mark` (returned by `begin`) on. */
  rewind (mark: number): void {
    this.at = Math.min(this.at, mark)
  }

  /** The bytes written so far, without copying. */
  finish (): Buffer {
    return Buffer.from(this.buffer.buffer, this.buffer.byteOffset, this.at)
  }
}

const encoder = new TextEncoder()

function varintSize (value: number): number {
  let size = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    size++
  }
  return size
}
