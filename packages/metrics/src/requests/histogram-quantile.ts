/**
 * PromQL's `histogram_quantile` over one set of bucket counts, with Prometheus' interpolation
 * and edge cases: `bounds` are the finite upper bounds, `counts` the counts per bucket (not
 * cumulative) with the +Inf bucket last. NaN without observations; a quantile that falls in the
 * +Inf bucket is the highest finite bound.
 */
export function histogramQuantile (q: number, bounds: readonly number[], counts: ArrayLike<number>): number {
  if (Number.isNaN(q)) return NaN
  if (q < 0) return -Infinity
  if (q > 1) return Infinity
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]!
  if (bounds.length === 0 || !(total > 0)) return NaN

  const rank = q * total
  let below = 0
  for (let b = 0; b < bounds.length; b++) {
    const cumulative = below + counts[b]!
    if (cumulative >= rank) {
      const upper = bounds[b]!
      if (b === 0 && upper <= 0) return upper
      const lower = b === 0 ? 0 : bounds[b - 1]!
      return lower + (upper - lower) * ((rank - below) / counts[b]!)
    }
    below = cumulative
  }
  return bounds[bounds.length - 1]!
}
