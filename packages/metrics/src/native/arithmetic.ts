import { bucketUpperBound, reduceIndex } from './bucket-index.js'
import type { NativeHistogramSnapshot } from './snapshot.js'

// Native histogram arithmetic as Prometheus does it on FloatHistogram (model/histogram): the
// one place that adds, subtracts, reduces and compares snapshots, for the JSON summary, OTLP
// deltas and the alert engine alike. Results are snapshots: buckets by ascending index, empty
// ones left out.

type Buckets = Map<number, number>
type BucketList = NativeHistogramSnapshot['positive']

/**
 * `h` at a coarser (or the same) `schema`, with a zero bucket at least `zeroThreshold` wide:
 * bucket i at schema s falls in ceil(i / 2^(s - schema)). A wider zero bucket takes in every
 * bucket that starts below its threshold; if a populated one reaches past it, the threshold
 * grows to that bucket's upper bound (Prometheus's zeroCountForLargerThreshold), so the result's
 * threshold can be wider than asked.
 */
export function reduceHistogram (h: NativeHistogramSnapshot, schema: number, zeroThreshold = h.zeroThreshold): NativeHistogramSnapshot {
  const positive = reduceBuckets(h.positive, h.schema - schema)
  const negative = reduceBuckets(h.negative, h.schema - schema)
  let threshold = Math.max(zeroThreshold, h.zeroThreshold)
  let zeroCount = h.zeroCount
  if (threshold > h.zeroThreshold) {
    threshold = widenedThreshold([positive, negative], schema, threshold)
    for (const buckets of [positive, negative]) {
      for (const [index, count] of buckets) {
        if (bucketUpperBound(index - 1, schema) >= threshold) continue
        zeroCount += count
        buckets.delete(index)
      }
    }
  }
  return { schema, zeroThreshold: threshold, zeroCount, count: h.count, sum: h.sum, positive: sorted(positive), negative: sorted(negative) }
}

/** `a + b`, at the coarser of their schemas and the wider of their zero buckets (PromQL's `+`). */
export function addHistograms (a: NativeHistogramSnapshot, b: NativeHistogramSnapshot): NativeHistogramSnapshot {
  return combine(a, b, 1)
}

/** `a - b`, at the coarser of their schemas and the wider of their zero buckets (PromQL's `-`). */
export function subtractHistograms (a: NativeHistogramSnapshot, b: NativeHistogramSnapshot): NativeHistogramSnapshot {
  return combine(a, b, -1)
}

/**
 * Whether `current` cannot follow `previous` without a counter reset, as Prometheus tells
 * (FloatHistogram.DetectReset): fewer observations, a finer schema, a narrower zero bucket (or
 * a wider one that cuts through a populated bucket), or a smaller zero bucket or any bucket at
 * the common schema.
 */
export function isCounterReset (previous: NativeHistogramSnapshot, current: NativeHistogramSnapshot): boolean {
  if (current.count < previous.count || current.schema > previous.schema || current.zeroThreshold < previous.zeroThreshold) return true
  const before = reduceHistogram(previous, current.schema, current.zeroThreshold)
  if (before.zeroThreshold !== current.zeroThreshold || current.zeroCount < before.zeroCount) return true
  return wentDown(before.positive, current.positive) || wentDown(before.negative, current.negative)
}

function combine (a: NativeHistogramSnapshot, b: NativeHistogramSnapshot, sign: 1 | -1): NativeHistogramSnapshot {
  const schema = Math.min(a.schema, b.schema)
  // Both terms need the same zero bucket; widening one can widen the other's (Prometheus's reconcileZeroBuckets).
  let left = reduceHistogram(a, schema, b.zeroThreshold)
  let right = reduceHistogram(b, schema, left.zeroThreshold)
  while (right.zeroThreshold !== left.zeroThreshold) {
    left = reduceHistogram(left, schema, right.zeroThreshold)
    right = reduceHistogram(right, schema, left.zeroThreshold)
  }
  return {
    schema,
    zeroThreshold: left.zeroThreshold,
    zeroCount: left.zeroCount + sign * right.zeroCount,
    count: left.count + sign * right.count,
    sum: left.sum + sign * right.sum,
    positive: sorted(addBuckets(new Map(left.positive), right.positive, sign)),
    negative: sorted(addBuckets(new Map(left.negative), right.negative, sign))
  }
}

function reduceBuckets (buckets: BucketList, levels: number): Buckets {
  return addBuckets(new Map(), levels === 0 ? buckets : buckets.map(([index, count]) => [reduceIndex(index, levels), count] as const), 1)
}

function addBuckets (to: Buckets, buckets: BucketList, sign: 1 | -1): Buckets {
  for (const [index, count] of buckets) to.set(index, (to.get(index) ?? 0) + sign * count)
  return to
}

/** The threshold grown until no populated bucket (of either sign, by absolute value) straddles it. */
function widenedThreshold (sides: Buckets[], schema: number, threshold: number): number {
  for (let grew = true; grew;) {
    grew = false
    for (const buckets of sides) {
      for (const [index, count] of buckets) {
        const upper = bucketUpperBound(index, schema)
        if (count !== 0 && bucketUpperBound(index - 1, schema) < threshold && upper > threshold) {
          threshold = upper
          grew = true
        }
      }
    }
  }
  return threshold
}

function wentDown (before: BucketList, after: BucketList): boolean {
  const now = new Map(after)
  return before.some(([index, count]) => (now.get(index) ?? 0) < count)
}

function sorted (buckets: Buckets): BucketList {
  return [...buckets].filter((bucket) => bucket[1] !== 0).sort((a, b) => a[0] - b[0])
}
