import { test } from 'tap'
import { NativeHistogram } from '../src/native/native-histogram.js'
import { NATIVE_HISTOGRAM_DEFAULTS } from '../src/native/options.js'
import { nativeHistogramQuantile } from '../src/native/quantile.js'

const snapshotOf = (values: number[], options: Partial<typeof NATIVE_HISTOGRAM_DEFAULTS> = {}): ReturnType<NativeHistogram['snapshot']> => {
  const h = new NativeHistogram({ ...NATIVE_HISTOGRAM_DEFAULTS, ...options })
  for (const value of values) h.observe(value)
  return h.snapshot()
}
const close = (actual: number, expected: number): boolean => Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected))

test('within an exponential bucket the quantile is interpolated on a log scale, as Prometheus does', async (t) => {
  // Schema 0: ten observations of 1.5 in bucket 1, (1, 2]. The median is halfway on a log scale.
  const h = snapshotOf(Array<number>(10).fill(1.5), { schema: 0 })
  t.ok(close(nativeHistogramQuantile(0.5, h), Math.SQRT2), `${nativeHistogramQuantile(0.5, h)} = √2`)
  t.ok(close(nativeHistogramQuantile(1, h), 2), 'q=1: the upper bound')
  // Two buckets: 5 in (1, 2], 5 in (2, 4]; q=0.75 is halfway through the second, 2·√2.
  const two = snapshotOf([...Array<number>(5).fill(1.5), ...Array<number>(5).fill(3)], { schema: 0 })
  t.ok(close(nativeHistogramQuantile(0.75, two), 2 * Math.SQRT2))
})

test('the zero bucket is linear, from 0 when there are only positive buckets', async (t) => {
  const h = snapshotOf([0, 0, 0, 0, 1.5, 1.5, 1.5, 1.5], { schema: 0, zeroThreshold: 0.5 })
  t.equal(nativeHistogramQuantile(0.25, h), 0.25, 'halfway through [0, 0.5]')
  const signed = snapshotOf([-1.5, 0, 1.5, 1.5], { schema: 0, zeroThreshold: 0.5 })
  t.equal(nativeHistogramQuantile(0.375, signed), 0, 'halfway through [-0.5, 0.5] with buckets on both sides')
  t.ok(close(nativeHistogramQuantile(0.125, signed), -Math.SQRT2), 'negative buckets mirrored: -√2 halfway through [-2, -1)')
})

test('edge cases as PromQL has them', async (t) => {
  const h = snapshotOf([1, 2, 3])
  t.equal(nativeHistogramQuantile(-0.1, h), -Infinity)
  t.equal(nativeHistogramQuantile(1.1, h), Infinity)
  t.ok(Number.isNaN(nativeHistogramQuantile(NaN, h)))
  t.ok(Number.isNaN(nativeHistogramQuantile(0.5, snapshotOf([]))), 'no observations')
})

test('a median (sought from above) and a p25 (from below) over three buckets', async (t) => {
  // Schema 0: 2 in (1, 2], 6 in (2, 4], 2 in (4, 8]. The median, 5 of 10 from the top, is 3 of 6
  // into (2, 4] from its top: half way on a log scale. p25, 2.5 from the bottom: 0.5 of 6 into (2, 4].
  const h = snapshotOf([1.5, 1.5, 3, 3, 3, 3, 3, 3, 5, 5], { schema: 0 })
  t.ok(close(nativeHistogramQuantile(0.5, h), 2 ** 1.5))
  t.ok(close(nativeHistogramQuantile(0.25, h), 2 ** (1 + 0.5 / 6)))
})

test('NaN observations: the rank is sought from below, and NaN beyond every bucket, as Prometheus 3.5 has it', async (t) => {
  // One 1.5 in (1, 2] and two NaNs, counted but in no bucket (the sum is NaN).
  const h = snapshotOf([1.5, NaN, NaN], { schema: 0 })
  t.ok(close(nativeHistogramQuantile(0.2, h), 2 ** 0.6), 'rank 0.6 of the one observation in (1, 2]')
  t.ok(Number.isNaN(nativeHistogramQuantile(0.9, h)), 'rank 2.7 lies past the only bucket: NaN, not its upper bound')
})

test('the last finite bucket ends at Number.MAX_VALUE, so a quantile in it is finite', async (t) => {
  // 1e308 is in bucket 1024 at schema 0, (2^1023, 2^1024]: Prometheus takes MaxFloat64 as its upper bound.
  const h = snapshotOf([1e308, 1e308], { schema: 0 })
  t.ok(close(nativeHistogramQuantile(0.5, h), 2 ** 1023.5), `${nativeHistogramQuantile(0.5, h)}`)
})
