import { NumberColumn } from '../promql/number-column.js'
import { labelKey } from '../promql/vector.js'
import { noPause, type Pause } from '../slices.js'

/** Samples taken in between two looks at the clock: a long family is taken in slices. */
const CHUNK = 4096

/** A sample as @prometheus-io/client's `metric.get()` gives it: label values may be numbers (`le`). */
export interface RawSample {
  readonly labels: Readonly<Record<string, string | number>>
  readonly value: number
}

/**
 * One series of one name, as long as it keeps appearing in snapshots. Its two numbers live in its
 * index's NumberColumn (at `2 * at` and `2 * at + 1`), not in fields: a field would box every new
 * value in an object of its own (see NumberColumn). A series that goes takes its numbers with it
 * into a column of its own, and its place is given to the next new series.
 */
export class Slot {
  epoch = 0
  gone = false
  readonly labels: Readonly<Record<string, string>>
  readonly labelCount: number

  constructor (readonly key: string, readonly rawLabels: Readonly<Record<string, string | number>>, private column: NumberColumn, private at: number) {
    const labels: Record<string, string> = {}
    let count = 0
    for (const name in rawLabels) {
      labels[name] = String(rawLabels[name])
      count++
    }
    this.labels = labels
    this.labelCount = count
    column.set(2 * at, 0)
    column.set(2 * at + 1, 0)
  }

  /** The value in the last snapshot that had the series. */
  get value (): number {
    return this.column.values[2 * this.at]!
  }

  set value (value: number) {
    this.column.values[2 * this.at] = value
  }

  /**
   * What the series lost to counter resets (a drop adds the value before it), so that
   * `value + offset` only grows: worked out once per series, whatever reads it as a counter.
   */
  get offset (): number {
    return this.column.values[2 * this.at + 1]!
  }

  set offset (offset: number) {
    this.column.values[2 * this.at + 1] = offset
  }

  /** Marks the series gone; its numbers stay readable, and its place in the column is returned. */
  retire (): number {
    const own = new NumberColumn(2)
    own.values[0] = this.value
    own.values[1] = this.offset
    const at = this.at
    this.column = own
    this.at = 0
    this.gone = true
    return at
  }
}

/** Something that reads some of the series of one name (a counter, gauge or absent source). */
export interface SeriesConsumer {
  /** Called for each new series; return false when it is not for this consumer. */
  offer (slot: Slot, baseline: boolean): boolean
}

/**
 * The series of one name (e.g. `http_request_duration_seconds_bucket`) across snapshots. A series
 * is found by its position in the previous snapshot when its labels are the same (families list
 * their series in a stable order), else by its key; new series are offered to the consumers once.
 */
export class SeriesIndex {
  private readonly byKey = new Map<string, Slot>()
  /** The numbers of every series (see Slot), and the places series that went have left free. */
  private readonly numbers = new NumberColumn()
  private readonly free: number[] = []
  private places = 0
  private order: Slot[] = []
  /** The order before last, whose array the next snapshot fills (two arrays take turns). */
  private spare: Slot[] = []
  private readonly consumers: SeriesConsumer[] = []
  /** Series per value of `le` (histogram buckets), so that a bucket bound can be looked up. */
  readonly les = new Map<string, number>()
  epoch = 0

  constructor (readonly name: string) {}

  /** Adds a consumer; series already known are offered to it at once, as a baseline. */
  attach (consumer: SeriesConsumer): void {
    this.consumers.push(consumer)
    for (const slot of this.byKey.values()) consumer.offer(slot, true)
  }

  /** Removes a consumer; returns how many are left. */
  detach (consumer: SeriesConsumer): number {
    const at = this.consumers.indexOf(consumer)
    if (at !== -1) this.consumers.splice(at, 1)
    return this.consumers.length
  }

  get size (): number {
    return this.byKey.size
  }

  /**
   * Takes in this snapshot's samples of the name; `pause` may come every few thousand samples,
   * so `samples` must not change until the promise settles.
   */
  async ingest (samples: readonly RawSample[], pause: Pause = noPause): Promise<void> {
    const epoch = ++this.epoch
    const baseline = epoch === 1
    const previous = this.order
    const order = this.spare
    order.length = samples.length
    for (let i = 0; i < samples.length; i++) {
      if (i % CHUNK === CHUNK - 1) await pause()
      const sample = samples[i]!
      let slot = previous[i]
      if (slot === undefined || slot.gone || !sameLabels(sample.labels, slot)) {
        const key = labelKey(sample.labels)
        slot = this.byKey.get(key)
        if (slot === undefined) {
          slot = new Slot(key, sample.labels, this.numbers, this.free.pop() ?? this.places++)
          this.byKey.set(key, slot)
          const le = slot.labels.le
          if (le !== undefined) this.les.set(le, (this.les.get(le) ?? 0) + 1)
          for (const consumer of this.consumers) consumer.offer(slot, baseline)
        }
      }
      const value = sample.value
      if (value < slot.value) slot.offset += slot.value
      slot.value = value
      slot.epoch = epoch
      order[i] = slot
    }
    for (let i = 0; i < previous.length; i++) {
      const slot = previous[i]!
      if (slot.epoch !== epoch && !slot.gone) {
        this.free.push(slot.retire())
        this.byKey.delete(slot.key)
        const le = slot.labels.le
        if (le !== undefined) {
          const left = this.les.get(le)! - 1
          if (left === 0) this.les.delete(le)
          else this.les.set(le, left)
        }
      }
    }
    this.spare = previous
    this.order = order
  }
}

function sameLabels (labels: Readonly<Record<string, string | number>>, slot: Slot): boolean {
  const known = slot.rawLabels
  // @obs/metrics hands out the same label objects on every read.
  if (labels === known) return true
  let count = 0
  for (const name in labels) {
    if (labels[name] !== known[name]) return false
    count++
  }
  return count === slot.labelCount
}
