import { reduceIndex } from './bucket-index.js'
import type { NativeHistogramSnapshot } from './snapshot.js'

type Buckets = Map<number, number>

/**
 * Adds and subtracts native histogram snapshots, as PromQL's `+` and `-` do on native histograms:
 * the result has the lowest schema of its terms (a finer term's buckets are merged into it) and
 * the widest zero threshold. Used for a window (now minus a baseline) summed over series.
 */
export class SnapshotSum {
  private schema: number | undefined
  private zeroThreshold = 0
  private zeroCount = 0
  private count = 0
  private sum = 0
  private positive: Buckets = new Map()
  private negative: Buckets = new Map()

  add (snapshot: NativeHistogramSnapshot, sign: 1 | -1 = 1): this {
    if (this.schema === undefined) this.schema = snapshot.schema
    if (snapshot.schema < this.schema) {
      this.positive = reduce(this.positive, this.schema - snapshot.schema)
      this.negative = reduce(this.negative, this.schema - snapshot.schema)
      this.schema = snapshot.schema
    }
    const levels = snapshot.schema - this.schema
    this.zeroThreshold = Math.max(this.zeroThreshold, snapshot.zeroThreshold)
    this.zeroCount += sign * snapshot.zeroCount
    this.count += sign * snapshot.count
    this.sum += sign * snapshot.sum
    for (const [index, count] of snapshot.positive) addTo(this.positive, reduceIndex(index, levels), sign * count)
    for (const [index, count] of snapshot.negative) addTo(this.negative, reduceIndex(index, levels), sign * count)
    return this
  }

  /** The sum so far; undefined when nothing was added. Empty buckets are left out. */
  snapshot (): NativeHistogramSnapshot | undefined {
    if (this.schema === undefined) return undefined
    return {
      schema: this.schema,
      zeroThreshold: this.zeroThreshold,
      zeroCount: this.zeroCount,
      count: this.count,
      sum: this.sum,
      positive: nonEmpty(this.positive),
      negative: nonEmpty(this.negative)
    }
  }
}

function addTo (buckets: Buckets, index: number, count: number): void {
  buckets.set(index, (buckets.get(index) ?? 0) + count)
}

function reduce (buckets: Buckets, levels: number): Buckets {
  const out: Buckets = new Map()
  for (const [index, count] of buckets) addTo(out, reduceIndex(index, levels), count)
  return out
}

function nonEmpty (buckets: Buckets): Array<readonly [number, number]> {
  return [...buckets].filter((bucket) => bucket[1] !== 0).sort((a, b) => a[0] - b[0])
}
