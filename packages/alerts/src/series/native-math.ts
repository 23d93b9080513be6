import type { NativeHistogramSnapshot } from '@obs/metrics'

/**
 * A native histogram as the engine adds and subtracts it: buckets by Prometheus index at
 * `schema` (bucket i holds (base^(i-1), base^i], base = 2^(2^-schema)), sparse.
 */
export interface NativeHistogram {
  schema: number
  zeroThreshold: number
  zeroCount: number
  count: number
  sum: number
  positive: Map<number, number>
  negative: Map<number, number>
}

export function emptyHistogram (schema: number, zeroThreshold = 0): NativeHistogram {
  return { schema, zeroThreshold, zeroCount: 0, count: 0, sum: 0, positive: new Map(), negative: new Map() }
}

export function fromSnapshot (s: NativeHistogramSnapshot): NativeHistogram {
  return { schema: s.schema, zeroThreshold: s.zeroThreshold, zeroCount: s.zeroCount, count: s.count, sum: s.sum, positive: new Map(s.positive), negative: new Map(s.negative) }
}

/** The index at schema `schema - delta` of the bucket that holds bucket `index` (delta ≥ 0). */
const coarser = (index: number, delta: number): number => Math.floor((index - 1) / 2 ** delta) + 1

function reduceBuckets (buckets: ReadonlyMap<number, number>, delta: number): Map<number, number> {
  if (delta === 0) return new Map(buckets)
  const out = new Map<number, number>()
  for (const [index, count] of buckets) {
    const to = coarser(index, delta)
    out.set(to, (out.get(to) ?? 0) + count)
  }
  return out
}

/** `h` at a coarser (or the same) schema, with a zero bucket at least `zeroThreshold` wide. */
export function reduce (h: NativeHistogram, schema: number, zeroThreshold = h.zeroThreshold): NativeHistogram {
  const out: NativeHistogram = {
    ...h,
    schema,
    zeroThreshold: Math.max(zeroThreshold, h.zeroThreshold),
    positive: reduceBuckets(h.positive, h.schema - schema),
    negative: reduceBuckets(h.negative, h.schema - schema)
  }
  if (out.zeroThreshold > h.zeroThreshold) {
    // A wider zero bucket takes in the buckets that now lie wholly inside it.
    for (const buckets of [out.positive, out.negative]) {
      for (const [index, count] of buckets) {
        if (upperBound(index, schema) > out.zeroThreshold) continue
        out.zeroCount += count
        buckets.delete(index)
      }
    }
  }
  return out
}

/** `a + sign × b`, at the coarser of their schemas and the wider of their zero buckets. */
export function combine (a: NativeHistogram, b: NativeHistogram, sign: 1 | -1): NativeHistogram {
  const schema = Math.min(a.schema, b.schema)
  const zero = Math.max(a.zeroThreshold, b.zeroThreshold)
  const out = reduce(a, schema, zero)
  const other = reduce(b, schema, zero)
  out.zeroCount += sign * other.zeroCount
  out.count += sign * other.count
  out.sum += sign * other.sum
  for (const [mine, theirs] of [[out.positive, other.positive], [out.negative, other.negative]] as const) {
    for (const [index, count] of theirs) mine.set(index, (mine.get(index) ?? 0) + sign * count)
  }
  return out
}

/**
 * Whether `current` cannot follow `previous` without a counter reset, as Prometheus tells
 * (FloatHistogram.DetectReset): fewer observations, a finer schema, a narrower zero bucket, or
 * any bucket (at the common schema) that went down.
 */
export function isReset (previous: NativeHistogram, current: NativeHistogram): boolean {
  if (current.count < previous.count || current.schema > previous.schema || current.zeroThreshold < previous.zeroThreshold) return true
  const before = reduce(previous, current.schema, current.zeroThreshold)
  if (current.zeroCount < before.zeroCount) return true
  for (const [mine, theirs] of [[current.positive, before.positive], [current.negative, before.negative]] as const) {
    for (const [index, count] of theirs) if ((mine.get(index) ?? 0) < count) return true
  }
  return false
}

/** The upper bound of positive bucket `index` at `schema`. */
export function upperBound (index: number, schema: number): number {
  return 2 ** (index / 2 ** schema)
}

interface Bucket { lower: number, upper: number, count: number, log: boolean }

/** Every non-empty bucket, from the most negative to the most positive. */
function buckets (h: NativeHistogram): Bucket[] {
  const out: Bucket[] = []
  const negative = [...h.negative].filter(([, c]) => c > 0).sort((a, b) => b[0] - a[0])
  const positive = [...h.positive].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0])
  for (const [index, count] of negative) out.push({ lower: -upperBound(index, h.schema), upper: -upperBound(index - 1, h.schema), count, log: true })
  if (h.zeroCount > 0) {
    // The zero bucket ends at 0 on the side where the histogram has no buckets.
    const lower = negative.length === 0 && positive.length > 0 ? 0 : -h.zeroThreshold
    const upper = positive.length === 0 && negative.length > 0 ? 0 : h.zeroThreshold
    out.push({ lower, upper, count: h.zeroCount, log: false })
  }
  for (const [index, count] of positive) out.push({ lower: upperBound(index - 1, h.schema), upper: upperBound(index, h.schema), count, log: true })
  return out
}

/**
 * PromQL's `histogram_quantile` over a native histogram (promql/quantile.go, HistogramQuantile):
 * the bucket where the rank falls is found from below for q < 0.5 (or with NaN observations)
 * and from above otherwise; within an exponential bucket the value is interpolated on a
 * logarithmic scale, linearly within the zero bucket. NaN without observations.
 */
export function nativeQuantile (q: number, h: NativeHistogram): number {
  if (q < 0) return -Infinity
  if (q > 1) return Infinity
  if (!(h.count > 0) || Number.isNaN(q)) return NaN
  const list = buckets(h)
  if (list.length === 0) return NaN
  const forward = Number.isNaN(h.sum) || q < 0.5
  let rank = forward ? q * h.count : (1 - q) * h.count
  let count = 0
  let bucket = list[forward ? 0 : list.length - 1]!
  for (let i = 0; i < list.length; i++) {
    bucket = list[forward ? i : list.length - 1 - i]!
    count += bucket.count
    if (count >= rank) break
  }
  if (count > h.count) count = h.count
  if (count < rank) return bucket.upper
  rank = forward ? rank - (count - bucket.count) : count - rank
  const fraction = rank / bucket.count
  if (!bucket.log) return bucket.lower + (bucket.upper - bucket.lower) * fraction
  const logLower = Math.log2(Math.abs(bucket.lower))
  const logUpper = Math.log2(Math.abs(bucket.upper))
  if (bucket.lower > 0) return 2 ** (logLower + (logUpper - logLower) * fraction)
  return -(2 ** (logUpper + (logLower - logUpper) * (1 - fraction)))
}
