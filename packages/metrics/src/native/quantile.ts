import { bucketUpperBound } from './bucket-index.js'
import type { NativeHistogramSnapshot } from './snapshot.js'

interface Bucket { lower: number, upper: number, count: number }

/**
 * PromQL's `histogram_quantile` over a native histogram, as Prometheus 3.5+ computes it
 * (promql/quantile.go, HistogramQuantile): buckets run from the most negative to the most
 * positive, the zero bucket between them (from 0 rather than its lower edge when there are only
 * positive buckets, to 0 when only negative ones); the rank is sought from below for q < 0.5 (or
 * with NaN observations, which sit in no bucket) and from above otherwise. Within an exponential
 * bucket the quantile is interpolated on a logarithmic scale, within the zero bucket linearly.
 * (Prometheus 2.x interpolates linearly in every bucket.) NaN without observations, and NaN when
 * the rank lies beyond every bucket because of NaN observations.
 */
export function nativeHistogramQuantile (q: number, h: NativeHistogramSnapshot): number {
  if (q < 0) return -Infinity
  if (q > 1) return Infinity
  if (!(h.count > 0) || Number.isNaN(q)) return NaN

  const list = buckets(h)
  if (list.length === 0) return NaN
  const forward = Number.isNaN(h.sum) || q < 0.5
  let rank = forward ? q * h.count : (1 - q) * h.count
  let count = 0
  let bucket = list[0]!
  for (let i = 0; i < list.length; i++) {
    bucket = list[forward ? i : list.length - 1 - i]!
    count += bucket.count
    if (count >= rank) break
  }
  // Rounding can take the running count past the total.
  if (count > h.count) count = h.count
  if (count < rank) return Number.isNaN(h.sum) ? NaN : bucket.upper
  rank = forward ? rank - (count - bucket.count) : count - rank
  const fraction = rank / bucket.count
  if (bucket.lower <= 0 && bucket.upper >= 0) return bucket.lower + (bucket.upper - bucket.lower) * fraction
  const logLower = Math.log2(Math.abs(bucket.lower))
  const logUpper = Math.log2(Math.abs(bucket.upper))
  if (bucket.lower > 0) return 2 ** (logLower + (logUpper - logLower) * fraction)
  return -(2 ** (logUpper + (logLower - logUpper) * (1 - fraction)))
}

/** Every populated bucket, from the most negative to the most positive. */
function buckets (h: NativeHistogramSnapshot): Bucket[] {
  const out: Bucket[] = []
  for (let i = h.negative.length - 1; i >= 0; i--) {
    const [index, count] = h.negative[i]!
    if (count > 0) out.push({ lower: -bucketUpperBound(index, h.schema), upper: -bucketUpperBound(index - 1, h.schema), count })
  }
  if (h.zeroCount > 0) {
    const lower = h.negative.length === 0 && h.positive.length > 0 ? 0 : -h.zeroThreshold
    const upper = h.positive.length === 0 && h.negative.length > 0 ? 0 : h.zeroThreshold
    out.push({ lower, upper, count: h.zeroCount })
  }
  for (const [index, count] of h.positive) {
    if (count > 0) out.push({ lower: bucketUpperBound(index - 1, h.schema), upper: bucketUpperBound(index, h.schema), count })
  }
  return out
}
