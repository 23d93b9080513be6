import { bucketIndex, MIN_SCHEMA, reduceIndex } from './bucket-index.js'
import type { ResolvedNativeHistogramOptions } from './options.js'
import type { NativeHistogramSnapshot } from './snapshot.js'

/**
 * Non-empty buckets as one flat array, [index, count, index, count, …] by ascending index: far
 * smaller than a Map (one slot per number, no hash table), in order for a snapshot without
 * sorting, and found by binary search in about the time a Map takes to hash.
 */
type Buckets = number[]

/**
 * One series of a native (exponential) histogram: sparse buckets by index, a zero bucket, count
 * and sum. When an observation would open more than `maxBuckets` buckets, the resolution is
 * halved (schema − 1, neighbouring buckets merged) until it fits, down to schema -4; every
 * halving is counted in `resolutionReductions`. The resolution stays reduced until `reset`.
 */
export class NativeHistogram {
  schema: number
  zeroCount = 0
  count = 0
  sum = 0
  /** Halvings of the resolution since creation or the last reset. */
  resolutionReductions = 0
  // Made at their first bucket, as small as can be: most series never see a negative value.
  private positive: Buckets | undefined = undefined
  private negative: Buckets | undefined = undefined

  constructor (readonly options: ResolvedNativeHistogramOptions) {
    this.schema = options.schema
  }

  get zeroThreshold (): number {
    return this.options.zeroThreshold
  }

  /** Buckets in use, zero bucket excluded. */
  get bucketCount (): number {
    return ((this.positive?.length ?? 0) + (this.negative?.length ?? 0)) / 2
  }

  observe (value: number): void {
    this.count++
    this.sum += value
    // NaN is counted (so the count matches the classic buckets) but falls in no bucket, as in client_golang.
    if (Number.isNaN(value)) return
    const positive = value > this.options.zeroThreshold
    if (!positive && value >= -this.options.zeroThreshold) {
      this.zeroCount++
      return
    }
    const index = bucketIndex(Math.abs(value), this.schema)
    const buckets = positive ? this.positive : this.negative
    if (buckets === undefined) {
      // Exactly two slots: a series with one bucket holds no spare room.
      if (positive) this.positive = [index, 1]
      else this.negative = [index, 1]
      if (this.bucketCount > this.options.maxBuckets) this.reduceResolution()
      return
    }
    // The first pair whose index is at or above `index`.
    let low = 0
    let high = buckets.length >> 1
    while (low < high) {
      const mid = (low + high) >>> 1
      if (buckets[mid << 1]! < index) low = mid + 1
      else high = mid
    }
    const at = low << 1
    if (buckets[at] === index) {
      buckets[at + 1]!++
      return
    }
    buckets.splice(at, 0, index, 1)
    if (this.bucketCount > this.options.maxBuckets) this.reduceResolution()
  }

  private reduceResolution (): void {
    while (this.bucketCount > this.options.maxBuckets && this.schema > MIN_SCHEMA) {
      this.schema--
      this.positive = halve(this.positive)
      this.negative = halve(this.negative)
      this.resolutionReductions++
    }
  }

  snapshot (): NativeHistogramSnapshot {
    return {
      schema: this.schema,
      zeroThreshold: this.options.zeroThreshold,
      zeroCount: this.zeroCount,
      count: this.count,
      sum: this.sum,
      positive: pairs(this.positive),
      negative: pairs(this.negative)
    }
  }

  /** Back to the initial schema, with no observations. */
  reset (): void {
    this.schema = this.options.schema
    this.zeroCount = 0
    this.count = 0
    this.sum = 0
    this.resolutionReductions = 0
    this.positive = undefined
    this.negative = undefined
  }
}

/** The same buckets one schema lower: buckets 2k-1 and 2k become bucket k (still in order). */
function halve (buckets: Buckets | undefined): Buckets | undefined {
  if (buckets === undefined) return undefined
  const out: Buckets = []
  for (let i = 0; i < buckets.length; i += 2) {
    const merged = reduceIndex(buckets[i]!, 1)
    if (out.length > 0 && out[out.length - 2] === merged) out[out.length - 1]! += buckets[i + 1]!
    else out.push(merged, buckets[i + 1]!)
  }
  return out
}

function pairs (buckets: Buckets | undefined): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = []
  if (buckets !== undefined) for (let i = 0; i < buckets.length; i += 2) out.push([buckets[i]!, buckets[i + 1]!])
  return out
}
