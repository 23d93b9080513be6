import { test } from 'tap'
import { bucketIndex, bucketUpperBound } from '../src/native/bucket-index.js'
import { NativeHistogram } from '../src/native/native-histogram.js'
import { NATIVE_HISTOGRAM_DEFAULTS, resolveNativeHistogramOptions } from '../src/native/options.js'

// The index formula of Prometheus's documentation on native histograms: at schema s, bucket i
// holds (2^((i-1)/2^s), 2^(i/2^s)], so i = ceil(log2(v) × 2^s). The values are away from
// boundaries (except exact powers of two, whose log2 is exact), so Math.log2 gives the answer.
const docsIndex = (value: number, schema: number): number => Math.ceil(Math.log2(value) * 2 ** schema)

const SCHEMAS = [-4, -2, -1, 0, 1, 2, 3, 5, 8]
const VALUES = [0.001, 0.0042, 0.1, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 7, 100, 1024, 12345.678, 7e-5, 1e10, 2 ** -10, 2 ** 40]

test('bucket indexes agree with the documented formula at every schema', async (t) => {
  for (const schema of SCHEMAS) {
    for (const value of VALUES) {
      t.equal(bucketIndex(value, schema), docsIndex(value, schema), `index of ${value} at schema ${schema}`)
    }
  }
})

test('an exact power of two is the upper bound of its bucket, not the lower bound of the next', async (t) => {
  // Hand-worked: 1 = 2^0 closes bucket 0; 2 closes bucket 2^s at schema s ≥ 0; at schema -1 a
  // bucket spans two powers, so 2 and 4 both fall in bucket 1.
  t.equal(bucketIndex(1, 0), 0)
  t.equal(bucketIndex(1, 3), 0)
  t.equal(bucketIndex(2, 0), 1)
  t.equal(bucketIndex(2, 3), 8)
  t.equal(bucketIndex(2, 8), 256)
  t.equal(bucketIndex(0.5, 0), -1)
  t.equal(bucketIndex(0.5, 2), -4)
  t.equal(bucketIndex(2, -1), 1)
  t.equal(bucketIndex(4, -1), 1)
  t.equal(bucketIndex(8, -1), 2)
  t.equal(bucketIndex(2 ** 16, -4), 1)
  t.equal(bucketIndex(2 ** 16 + 1, -4), 2)
  t.equal(bucketIndex(1.0000001, 0), 1, 'just above 1 opens the next bucket')
})

test('every value lies within the bounds of its bucket', async (t) => {
  for (const schema of SCHEMAS) {
    for (const value of [...VALUES, Number.MIN_VALUE, 1e-310, Number.MAX_VALUE]) {
      const index = bucketIndex(value, schema)
      const lower = bucketUpperBound(index - 1, schema)
      const upper = bucketUpperBound(index, schema)
      t.ok(lower < value && value <= upper, `${value} at schema ${schema}: (${lower}, ${upper}]`)
    }
  }
})

test('+Inf goes one bucket past the largest finite value, as client_golang puts it', async (t) => {
  for (const schema of [-4, 0, 3, 8]) {
    t.equal(bucketIndex(Infinity, schema), bucketIndex(Number.MAX_VALUE, schema) + 1)
    t.equal(bucketUpperBound(bucketIndex(Number.MAX_VALUE, schema), schema), Number.MAX_VALUE)
  }
})

const histogram = (options: Partial<typeof NATIVE_HISTOGRAM_DEFAULTS> = {}): NativeHistogram =>
  new NativeHistogram({ ...NATIVE_HISTOGRAM_DEFAULTS, ...options })

test('positive and negative observations go to their own buckets, by absolute value', async (t) => {
  const h = histogram({ schema: 0 })
  for (const value of [1.5, 3, 3.5, -1.5, -0.3]) h.observe(value)
  const snapshot = h.snapshot()
  t.same(snapshot.positive, [[1, 1], [2, 2]])
  t.same(snapshot.negative, [[-1, 1], [1, 1]])
  t.equal(snapshot.count, 5)
  t.equal(snapshot.sum, 1.5 + 3 + 3.5 - 1.5 - 0.3)
  t.equal(snapshot.zeroCount, 0)
})

test('the zero bucket takes every value whose absolute value is at most the threshold', async (t) => {
  const h = histogram({ schema: 0, zeroThreshold: 0.01 })
  for (const value of [0, -0, 0.01, -0.01, 0.005, 0.0100001, -0.0100001]) h.observe(value)
  const snapshot = h.snapshot()
  t.equal(snapshot.zeroThreshold, 0.01)
  t.equal(snapshot.zeroCount, 5, '0, -0, ±threshold and 0.005')
  t.same(snapshot.positive, [[bucketIndex(0.0100001, 0), 1]])
  t.same(snapshot.negative, [[bucketIndex(0.0100001, 0), 1]])

  const exact = histogram({ schema: 0, zeroThreshold: 0 })
  exact.observe(0)
  exact.observe(Number.MIN_VALUE)
  t.equal(exact.snapshot().zeroCount, 1, 'with a threshold of 0 only zero itself')
  t.equal(exact.snapshot().positive.length, 1)
})

test('reaching the cap halves the resolution and merges buckets pairwise, and counts it', async (t) => {
  const values = [1, 2, 4, 8, 16, 0.7, 5, -3]
  const capped = histogram({ schema: 0, maxBuckets: 4 })
  for (const value of values.slice(0, 4)) capped.observe(value)
  t.equal(capped.schema, 0, 'four buckets fit')
  t.equal(capped.resolutionReductions, 0)
  for (const value of values.slice(4)) capped.observe(value)
  t.ok(capped.bucketCount <= 4, `at most 4 buckets (${capped.bucketCount})`)
  t.ok(capped.schema < 0, `schema lowered to ${capped.schema}`)
  t.equal(capped.resolutionReductions, -capped.schema, 'one reduction per schema step')

  // The merged histogram is the one that observing the same values at the lower schema gives.
  const direct = histogram({ schema: capped.schema, maxBuckets: 1000 })
  for (const value of values) direct.observe(value)
  t.same(capped.snapshot(), direct.snapshot())
})

test('the resolution stops at schema -4, however many buckets remain', async (t) => {
  const h = histogram({ schema: 2, maxBuckets: 1, zeroThreshold: 0 })
  h.observe(1e-300)
  h.observe(1e300)
  t.equal(h.schema, -4)
  t.equal(h.resolutionReductions, 6)
  t.equal(h.bucketCount, 2)
  h.reset()
  t.equal(h.schema, 2, 'a reset restores the configured schema')
  t.equal(h.resolutionReductions, 0)
  t.equal(h.snapshot().count, 0)
})

test('NaN is counted but falls in no bucket', async (t) => {
  const h = histogram()
  h.observe(NaN)
  const snapshot = h.snapshot()
  t.equal(snapshot.count, 1)
  t.equal(snapshot.zeroCount + snapshot.positive.length + snapshot.negative.length, 0)
})

test('native options are validated with coded errors and unknown keys refused', async (t) => {
  t.equal(resolveNativeHistogramOptions(undefined, 'x'), undefined)
  t.equal(resolveNativeHistogramOptions(false, 'x'), undefined)
  t.same(resolveNativeHistogramOptions(true, 'x'), { schema: 3, maxBuckets: 160, zeroThreshold: 2 ** -128 })
  t.same(resolveNativeHistogramOptions({ schema: -4, maxBuckets: 10, zeroThreshold: 0 }, 'x'), { schema: -4, maxBuckets: 10, zeroThreshold: 0 })
  for (const bad of [{ schema: 9 }, { schema: -5 }, { schema: 1.5 }, { maxBuckets: 0 }, { zeroThreshold: -1 }, { zeroThreshold: Infinity }, { schemaa: 3 }, 'yes', null, [3]]) {
    t.throws(() => resolveNativeHistogramOptions(bad, 'nativeHistograms'), { code: 'OBS_METRICS_INVALID_OPTION' }, JSON.stringify(bad))
  }
  t.throws(() => resolveNativeHistogramOptions({ schemaa: 3 }, 'nativeHistograms'), /did you mean "nativeHistograms.schema"/)
})
