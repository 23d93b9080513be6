// Prometheus's exponential bucket boundaries. At schema s the base is 2^(2^-s) and bucket i holds
// (base^(i-1), base^i]: index = ceil(log2(v) × 2^s). Computed from the binary exponent and a
// table of fractions rather than with Math.log2, so that exact powers of two (and every other
// boundary) fall in the bucket they bound, as Prometheus reads them.

export const MIN_SCHEMA = -4
export const MAX_SCHEMA = 8

// 2^(j/256 - 1) for j in [0, 256): the boundaries between 0.5 and 1 at schema 8. Every lower
// positive schema takes every 2^(8-s)-th of them, so that one bucket at schema s-1 is exactly two
// at schema s and a reduction of resolution merges buckets without moving an observation.
const FINEST = Array.from({ length: 256 }, (_, j) => 2 ** (j / 256) / 2)
const FRACTIONS: ReadonlyArray<Float64Array | undefined> = Array.from({ length: MAX_SCHEMA + 1 },
  (_, schema) => schema === 0 ? undefined : Float64Array.from({ length: 2 ** schema }, (_, j) => FINEST[j * 2 ** (8 - schema)]!))

// frexp: v = fraction × 2^exponent with fraction in [0.5, 1), read from the bits of the double.
const float = new Float64Array(1)
const words = new Uint32Array(float.buffer)
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
let exponent = 0

function fraction (abs: number): number {
  float[0] = abs
  let high = words[HIGH]!
  let biased = (high >>> 20) & 0x7ff
  let shift = 0
  if (biased === 0) {
    // Subnormal: scale into the normal range first.
    float[0] = abs * 2 ** 64
    high = words[HIGH]!
    biased = (high >>> 20) & 0x7ff
    shift = -64
  }
  exponent = biased - 1022 + shift
  words[HIGH] = (high & 0x800fffff) | (1022 << 20)
  return float[0]!
}

/**
 * The index of the bucket that holds `abs` (a positive number, or +Infinity) at `schema`. +Inf
 * gets the index after that of Number.MAX_VALUE, as client_golang gives it.
 */
export function bucketIndex (abs: number, schema: number): number {
  const infinite = abs === Infinity
  const frac = fraction(infinite ? Number.MAX_VALUE : abs)
  let index: number
  if (schema > 0) {
    const bounds = FRACTIONS[schema]!
    // The first boundary at or above the fraction.
    let low = 0
    let high = bounds.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (bounds[mid]! < frac) low = mid + 1
      else high = mid
    }
    index = low + (exponent - 1) * bounds.length
  } else {
    // An exact power of two is the upper bound of the bucket below.
    const key = frac === 0.5 ? exponent - 1 : exponent
    index = (key + (1 << -schema) - 1) >> -schema
  }
  return infinite ? index + 1 : index
}

/** The upper bound of bucket `index` at `schema` (its lower bound is that of `index - 1`). */
export function bucketUpperBound (index: number, schema: number): number {
  if (schema <= 0) {
    const exp = index * 2 ** -schema
    // The bucket of Number.MAX_VALUE ends there; the one after it holds +Inf.
    if (exp === 1024) return Number.MAX_VALUE
    return exp > 1024 ? Infinity : 2 ** exp
  }
  const per = 2 ** schema
  const frac = FRACTIONS[schema]![((index % per) + per) % per]!
  const exp = Math.floor(index / per) + 1
  if (frac === 0.5 && exp === 1025) return Number.MAX_VALUE
  if (exp > 1025) return Infinity
  // In two steps: 2^1024 alone would overflow.
  return frac * 2 * 2 ** (exp - 1)
}

/** The index that holds bucket `index` once the schema is `levels` lower: ceil(index / 2^levels). */
export function reduceIndex (index: number, levels: number): number {
  return levels === 0 ? index : Math.ceil(index / 2 ** levels)
}
