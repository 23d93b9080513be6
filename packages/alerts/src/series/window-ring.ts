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

/** One group's values in one ring. */
export class Column {
  readonly corrected: Float64Array
  readonly raw: Float64Array
  /** The group has values from samples with this sequence number on. */
  bornSeq = Infinity
  /** The last per-second rate worked out over this window, and in which cycle (for quantiles). */
  rate = NaN
  rateCycle = -1

  constructor (capacity: number) {
    this.corrected = new Float64Array(capacity)
    this.raw = new Float64Array(capacity)
  }
}
