import { SeriesKeys } from './families.js'

/** OTLP's aggregation temporality: totals since a start time, or the change since the last push. */
export type Temporality = 'cumulative' | 'delta'

interface Entry<T> {
  /** What the last push that was delivered saw; `committed` false while the series was never delivered. */
  startMs: number
  last: T
  committed: boolean
  /** What the push under way saw, kept apart until it is delivered. */
  nextStartMs: number
  next: T
  generation: number
}

export interface Tracked<T> {
  /** The start of the series' data point, in milliseconds since the epoch. */
  readonly startMs: number
  /** What the series held at the previous push; undefined when it is new or was reset since. */
  readonly previous: T | undefined
}

/**
 * What one sink remembers of every series between pushes: when the series started (OTLP's
 * start_time_unix_nano) and its last value (for deltas). A push's values are pending until the
 * sink delivered it (`commit`); a push that failed is `abandon`ed, so the next delta covers its
 * interval too. A series that is gone from a delivered push is forgotten, so the memory never
 * holds more series than the registry does (plus those of one push).
 */
export class SeriesMemory<T> {
  private readonly entries = new Map<string, Entry<T>>()
  /** The keys `track` takes, made once per series. */
  readonly keys = new SeriesKeys()
  private generation = 0
  private previousMs: number

  /** `startMs`: when pushing began; series seen at the first push start there. */
  constructor (startMs: number) {
    this.previousMs = startMs
  }

  /**
   * Records `current` for the series `key`. A new series, or one whose value went down
   * (`isReset`: the process or the metric was reset), starts at the previous push: its
   * observations happened after it.
   */
  track (key: string, current: T, isReset: (previous: T, current: T) => boolean, temporality: Temporality): Tracked<T> {
    let entry = this.entries.get(key)
    if (entry === undefined) {
      entry = { startMs: this.previousMs, last: current, committed: false, nextStartMs: this.previousMs, next: current, generation: this.generation }
      this.entries.set(key, entry)
    }
    const reset = !entry.committed || isReset(entry.last, current)
    const previous = reset ? undefined : entry.last
    entry.nextStartMs = reset ? this.previousMs : entry.startMs
    entry.next = current
    entry.generation = this.generation
    return { startMs: temporality === 'delta' ? this.previousMs : entry.nextStartMs, previous }
  }

  /** The push made at `timeMs` was delivered: its values become the previous ones; series it did not see are forgotten. */
  commit (timeMs: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.generation !== this.generation) {
        this.entries.delete(key)
        continue
      }
      entry.startMs = entry.nextStartMs
      entry.last = entry.next
      entry.committed = true
    }
    this.generation++
    this.previousMs = timeMs
  }

  /** The push failed: what it saw is dropped, the next push's changes start where the last delivered one ended. */
  abandon (): void {
    for (const [key, entry] of this.entries) {
      if (!entry.committed) this.entries.delete(key)
    }
    this.generation++
  }

  get size (): number {
    return this.entries.size
  }
}
