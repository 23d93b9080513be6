import { ColumnSample, NumberColumn } from './number-column.js'
import type { Vector } from './vector.js'

/** A sample that a buffer owns and refills at every cycle; its value is the buffer's `values[at]`. */
type OwnedSample = ColumnSample<Readonly<Record<string, string>>>

/**
 * The result vector of one node (or source), refilled at every cycle instead of built anew: while
 * the keys come in the same order as last time, the same map and the same sample objects are
 * updated in place, so a cycle over 100,000 series leaves no garbage for them. When the keys
 * change, the map is rebuilt in the new order: the result is always what a new `Map` filled by
 * `set` in that order would be. A vector from `finish` is valid until the next `start`: readers
 * use it within the cycle and keep no sample.
 */
export class VectorBuffer {
  private readonly vector: Vector = new Map()
  private readonly keys: string[] = []
  private readonly samples: OwnedSample[] = []
  private readonly values = new NumberColumn()
  private count = 0
  private moved = false

  /** Begins a new result. */
  start (): void {
    this.count = 0
    this.moved = false
  }

  push (key: string, labels: Readonly<Record<string, string>>, value: number): void {
    const at = this.count++
    this.values.set(at, value)
    const sample = this.samples[at]
    if (sample !== undefined && this.keys[at] === key) {
      sample.labels = labels
      return
    }
    this.moved = true
    this.keys[at] = key
    this.samples[at] = new ColumnSample(this.values, at, labels)
  }

  /** The result: every pushed sample by key, in the order pushed (a repeated key keeps its first place and its last value). */
  finish (): Vector {
    const { vector, keys, samples, count } = this
    // Same keys in the same order, none twice (as many as the map holds): the map is up to date.
    if (this.moved || count !== keys.length || count !== vector.size) {
      keys.length = count
      samples.length = count
      vector.clear()
      for (let i = 0; i < count; i++) vector.set(keys[i]!, samples[i]!)
    }
    return vector
  }
}
