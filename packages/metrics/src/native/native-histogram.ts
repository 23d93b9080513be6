import { bucketIndex, MIN_SCHEMA, reduceIndex } from './bucket-index.js'
import type { ResolvedNativeHistogramOptions } from './options.js'
import type { NativeHistogramSnapshot } from './snapshot.js'

type Buckets = Map<number, number>

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
  private positive: Buckets = new Map()
  private negative: Buckets = new Map()

  constructor (readonly options: ResolvedNativeHistogramOptions) {
    this.schema = options.schema
  }

  get zeroThreshold (): number {
    return this.options.zeroThreshold
  }

  /** Buckets in use, zero bucket excluded. */
  get bucketCount (): number {
    return this.positive.size + this.negative.size
  }

  observe (value: number): void {
    this.count++
    this.sum += value
    // NaN is counted (so the count matches the classic buckets) but falls in no bucket, as in client_golang.
    if (Number.isNaN(value)) return
    let buckets: Buckets
    if (value > this.options.zeroThreshold) buckets = this.positive
    else if (value < -this.options.zeroThreshold) buckets = this.negative
    else {
      this.zeroCount++
      return
    }
    const index = bucketIndex(Math.abs(value), this.schema)
    const count = buckets.get(index)
    if (count !== undefined) {
      buckets.set(index, count + 1)
      return
    }
    buckets.set(index, 1)
    if (this.positive.size + this.negative.size > this.options.maxBuckets) this.reduceResolution()
  }

  private reduceResolution (): void {
    while (this.positive.size + this.negative.size > this.options.maxBuckets && this.schema > MIN_SCHEMA) {
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
      positive: sorted(this.positive),
      negative: sorted(this.negative)
    }
  }

  /** Back to the initial schema, with no observations. */
  reset (): void {
    this.schema = this.options.schema
    this.zeroCount = 0
    this.count = 0
    this.sum = 0
    this.resolutionReductions = 0
    this.positive = new Map()
    this.negative = new Map()
  }
}

/** The same buckets one schema lower: buckets 2k-1 and 2k become bucket k. */
function halve (buckets: Buckets): Buckets {
  const out: Buckets = new Map()
  for (const [index, count] of buckets) {
    const merged = reduceIndex(index, 1)
    out.set(merged, (out.get(merged) ?? 0) + count)
  }
  return out
}

function sorted (buckets: Buckets): Array<readonly [number, number]> {
  return [...buckets].sort((a, b) => a[0] - b[0])
}
