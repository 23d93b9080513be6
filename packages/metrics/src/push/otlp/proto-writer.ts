// The protobuf wire format, written by hand: only what the OTLP metrics messages use.
const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2

const TWO_32 = 2 ** 32

/**
 * Writes one message into a growing buffer. A nested message is written in place: `fork()` marks
 * where it starts, `join(field)` puts its tag and length in front once its size is known (moving
 * the bytes written since, which is cheap next to encoding them).
 */
export class ProtoWriter {
  private buffer = new Uint8Array(64 * 1024)
  private view = new DataView(this.buffer.buffer)
  private at = 0
  private readonly forks: number[] = []
  private readonly utf8 = new TextEncoder()

  private reserve (bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.at + bytes) size *= 2
    const grown = new Uint8Array(size)
    // All of it: a nested message may be being moved past `at` (see `join`).
    grown.set(this.buffer)
    this.buffer = grown
    this.view = new DataView(grown.buffer)
  }

  /** A non-negative whole number below 2^53. */
  private rawVarint (value: number): void {
    this.reserve(10)
    while (value >= 0x80) {
      this.buffer[this.at++] = (value % 0x80) | 0x80
      value = Math.floor(value / 0x80)
    }
    this.buffer[this.at++] = value
  }

  private tag (field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType)
  }

  uint (field: number, value: number): void {
    this.tag(field, VARINT)
    this.rawVarint(value)
  }

  /** sint32: zig-zag, so that small negative numbers stay short. */
  sint (field: number, value: number): void {
    this.tag(field, VARINT)
    this.rawVarint(value >= 0 ? value * 2 : -value * 2 - 1)
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

  /** fixed64 from 8 bytes made once (timestamps in nanoseconds exceed 2^53). */
  fixed64Bytes (field: number, bytes: Uint8Array): void {
    this.tag(field, FIXED64)
    this.reserve(8)
    this.buffer.set(bytes, this.at)
    this.at += 8
  }

  bytes (field: number, value: Uint8Array): void {
    this.tag(field, LENGTH_DELIMITED)
    this.rawVarint(value.length)
    this.reserve(value.length)
    this.buffer.set(value, this.at)
    this.at += value.length
  }

  string (field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED)
    // UTF-8 takes at most 3 bytes per UTF-16 unit: write after the longest length prefix, then close up.
    this.reserve(10 + value.length * 3)
    const start = this.at + 5
    const { written } = this.utf8.encodeInto(value, this.buffer.subarray(start))
    this.at = start
    this.closeUp(start - 5, written)
  }

  packedDoubles (field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return
    this.tag(field, LENGTH_DELIMITED)
    this.rawVarint(values.length * 8)
    this.reserve(values.length * 8)
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.at, values[i]!, true)
      this.at += 8
    }
  }

  packedFixed64 (field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return
    this.tag(field, LENGTH_DELIMITED)
    this.rawVarint(values.length * 8)
    for (let i = 0; i < values.length; i++) this.rawFixed64(values[i]!)
  }

  packedVarints (field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return
    this.fork()
    for (let i = 0; i < values.length; i++) this.rawVarint(values[i]!)
    this.join(field)
  }

  /** Starts a nested message (or packed field) of a field given at `join`. */
  fork (): void {
    this.forks.push(this.at)
  }

  join (field: number): void {
    const start = this.forks.pop()!
    const length = this.at - start
    const headerLength = varintSize(field * 8 + LENGTH_DELIMITED) + varintSize(length)
    this.reserve(headerLength + 10)
    this.buffer.copyWithin(start + headerLength, start, start + length)
    this.at = start
    this.tag(field, LENGTH_DELIMITED)
    this.rawVarint(length)
    this.at = start + headerLength + length
  }

  /** After `encodeInto` wrote `written` bytes at `from + 5`: the length goes at `from`, the text right after. */
  private closeUp (from: number, written: number): void {
    const textStart = from + 5
    this.at = from
    this.rawVarint(written)
    this.buffer.copyWithin(this.at, textStart, textStart + written)
    this.at += written
  }

  /** The bytes written so far (a copy: the writer may be reused). */
  finish (): Uint8Array {
    return this.buffer.slice(0, this.at)
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

/** A time in milliseconds since the epoch as fixed64 nanoseconds, little-endian. */
export function nanosBytes (ms: number): Uint8Array {
  const nanos = BigInt(Math.round(ms * 1000)) * 1000n
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigUint64(0, nanos, true)
  return bytes
}
