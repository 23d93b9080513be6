import { bucketUpperBound } from './bucket-index.js'
import type { NativeHistogramSnapshot } from './snapshot.js'

/**
 * PromQL's `histogram_quantile` over a native histogram, as Prometheus 3 computes it: buckets are
 * walked from the most negative to the most positive, the zero bucket between them (from 0
 * rather than its lower edge when there are only positive buckets); within an exponential bucket
 * the quantile is interpolated on a logarithmic scale, within the zero bucket linearly.
 * (Prometheus 2.x interpolates linearly in every bucket.) NaN without observations.
 */
export function nativeHistogramQuantile (q: number, h: NativeHistogramSnapshot): number {
  if (q < 0) return -Infinity
  if (q > 1) return Infinity
  if (!(h.count > 0) || Number.isNaN(q)) return NaN

  const rank = q * h.count
  let cumulative = 0
  let lower = 0
  let upper = 0
  let count = 0
  const reached = (bucketCount: number, from: number, to: number): boolean => {
    if (!(bucketCount > 0)) return false
    cumulative += bucketCount
    lower = from
    upper = to
    count = bucketCount
    return cumulative >= rank
  }
  let found = false
  for (let i = h.negative.length - 1; i >= 0 && !found; i--) {
    const [index, bucketCount] = h.negative[i]!
    found = reached(bucketCount, -bucketUpperBound(index, h.schema), -bucketUpperBound(index - 1, h.schema))
  }
  if (!found) found = reached(h.zeroCount, -h.zeroThreshold, h.zeroThreshold)
  for (let i = 0; i < h.positive.length && !found; i++) {
    const [index, bucketCount] = h.positive[i]!
    found = reached(bucketCount, bucketUpperBound(index - 1, h.schema), bucketUpperBound(index, h.schema))
  }
  if (count === 0) return NaN
  if (lower < 0 && upper > 0) {
    if (h.negative.length === 0 && h.positive.length > 0) lower = 0
    else if (h.positive.length === 0 && h.negative.length > 0) upper = 0
  }
  // Short of the rank only when NaN observations were counted but fell in no bucket.
  if (!found) return upper

  const fraction = (rank - (cumulative - count)) / count
  if (lower <= 0 && upper >= 0) return lower + (upper - lower) * fraction
  const logLower = Math.log2(Math.abs(lower))
  const logUpper = Math.log2(Math.abs(upper))
  if (lower > 0) return 2 ** (logLower + (logUpper - logLower) * fraction)
  return -(2 ** (logUpper + (logLower - logUpper) * (1 - fraction)))
}
