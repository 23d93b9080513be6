import { SeriesKeys } from './families.js'

/** OTLP's aggregation temporality: totals since a start time, or the change since the last push. */
export type Temporality = 'cumulative' | 'delta'

interface Entry<T> {
  startMs: number
  last: T
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
 * start_time_unix_nano) and its last value (for deltas). A series that is gone from a push is
 * forgotten at its end, so the memory never holds more series than the registry does.
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
    const entry = this.entries.get(key)
    if (entry === undefined) {
      this.entries.set(key, { startMs: this.previousMs, last: current, generation: this.generation })
      return { startMs: this.previousMs, previous: undefined }
    }
    const reset = isReset(entry.last, current)
    const previous = reset ? undefined : entry.last
    if (reset) entry.startMs = this.previousMs
    entry.last = current
    entry.generation = this.generation
    return { startMs: temporality === 'delta' ? this.previousMs : entry.startMs, previous }
  }

  /** Ends a push made at `timeMs`: series it did not see are forgotten. */
  endPush (timeMs: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.generation !== this.generation) this.entries.delete(key)
    }
    this.generation++
    this.previousMs = timeMs
  }

  get size (): number {
    return this.entries.size
  }
}
