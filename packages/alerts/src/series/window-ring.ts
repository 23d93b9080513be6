/**
 * The history one window needs, in bounded memory: at most `capacity` sample times, spaced at
 * least `window / resolution` apart (the newest is always current), shared by every group of a
 * source. Each group keeps two columns aligned with these times: its reset-corrected counter
 * total and its raw total. Every sample taken gets the next sequence number, kept or not, so
 * that the number of samples between two kept ones is known (PromQL's extrapolation uses it).
 */
export class WindowRing {
  readonly step: number
  readonly capacity: number
  readonly times: Float64Array
  readonly seqs: Float64Array
  private start = 0
  private count = 0
  private nextSeq = 1

  /** `intervalMs`: how often samples come, when known: a short window then needs fewer slots. */
  constructor (readonly window: number, resolution: number, intervalMs?: number) {
    const slots = intervalMs === undefined ? resolution : Math.max(1, Math.min(resolution, Math.ceil(window / intervalMs)))
    this.step = window / slots
    this.capacity = slots + 3
    this.times = new Float64Array(this.capacity)
    this.seqs = new Float64Array(this.capacity)
  }

  get size (): number {
    return this.count
  }

  /** Slot index of the n-th sample from the oldest. */
  slot (n: number): number {
    return (this.start + n) % this.capacity
  }

  /** Records a sample time; returns the slot that columns must write, and the previous slot or -1. */
  push (now: number): { slot: number, previous: number } {
    while (this.count > 0 && this.times[this.start]! < now - this.window) this.drop()
    let slot: number
    const newest = this.count - 1
    if (this.count >= 2 && now - this.times[this.slot(newest - 1)]! < this.step) {
      // Too close to the last kept sample: the newest sample moves forward instead.
      slot = this.slot(newest)
    } else {
      if (this.count === this.capacity) this.drop()
      slot = this.slot(this.count)
      this.count++
    }
    this.times[slot] = now
    this.seqs[slot] = this.nextSeq++
    const previous = this.count >= 2 ? this.slot(this.count - 2) : -1
    return { slot, previous }
  }

  /** Position (from the oldest) of the first sample at or after `seq` and `from`, or -1. */
  firstFrom (seq: number, from: number): number {
    for (let n = 0; n < this.count; n++) {
      const slot = this.slot(n)
      if (this.seqs[slot]! >= seq && this.times[slot]! >= from) return n
    }
    return -1
  }

  private drop (): void {
    this.start = (this.start + 1) % this.capacity
    this.count--
  }
}

/**
 * The values of every group of a source in one ring, laid out by sample (a row per ring slot,
 * a column per group id): an update writes one contiguous row, and a rate reads two, instead of
 * touching two arrays of every group. Group ids are dense; `resize` changes the row width.
 */
export class RingColumns {
  /** Row width: how many group ids fit. */
  stride = 0
  /** Reset-corrected counter totals and raw totals, at `slot * stride + id`. */
  corrected: Float64Array<ArrayBuffer> = new Float64Array(0)
  raw: Float64Array<ArrayBuffer> = new Float64Array(0)
  /** A group has values from samples with this sequence number on (Infinity: none yet). */
  bornSeq: Float64Array<ArrayBuffer> = new Float64Array(0)
  /** The last per-second rate worked out over this window, and in which cycle (for quantiles). */
  rate: Float64Array<ArrayBuffer> = new Float64Array(0)
  rateCycle: Float64Array<ArrayBuffer> = new Float64Array(0)

  constructor (readonly capacity: number) {}

  /** Changes the row width to `stride`; `from[i]` is the old id of new id `i` (default: the same). */
  resize (stride: number, from?: ArrayLike<number>): void {
    const old = this.stride
    const count = from === undefined ? Math.min(old, stride) : from.length
    const move = (source: Float64Array, rows: number, fill: number): Float64Array<ArrayBuffer> => {
      const out = new Float64Array(rows * stride)
      if (fill !== 0) out.fill(fill)
      for (let row = 0; row < rows; row++) {
        if (from === undefined) {
          out.set(source.subarray(row * old, row * old + count), row * stride)
        } else {
          for (let i = 0; i < count; i++) out[row * stride + i] = source[row * old + from[i]!]!
        }
      }
      return out
    }
    this.corrected = move(this.corrected, this.capacity, 0)
    this.raw = move(this.raw, this.capacity, 0)
    this.bornSeq = move(this.bornSeq, 1, Infinity)
    this.rate = move(this.rate, 1, NaN)
    this.rateCycle = move(this.rateCycle, 1, -1)
    this.stride = stride
  }

  /** Forgets what id `id` held, before a new group takes it. */
  clear (id: number): void {
    this.bornSeq[id] = Infinity
    this.rate[id] = NaN
    this.rateCycle[id] = -1
  }
}
