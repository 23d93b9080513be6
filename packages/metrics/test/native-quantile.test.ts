import { test } from 'tap'
import { bucketIndex } from '../src/native/bucket-index.js'
import { NativeHistogram } from '../src/native/native-histogram.js'
import { NATIVE_HISTOGRAM_DEFAULTS } from '../src/native/options.js'
import { nativeHistogramQuantile } from '../src/native/quantile.js'
import { SnapshotSum } from '../src/native/snapshot-sum.js'

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

test('a sum of snapshots at different schemas merges the finer one down, and a difference is a window', async (t) => {
  const fine = snapshotOf([1.1, 1.9, 3], { schema: 3 })
  const coarse = snapshotOf([1.5, 3], { schema: 0 })
  const sum = new SnapshotSum().add(fine).add(coarse).snapshot()!
  t.equal(sum.schema, 0)
  t.equal(sum.count, 5)
  t.same(sum.positive, [[bucketIndex(1.5, 0), 3], [bucketIndex(3, 0), 2]])

  const before = snapshotOf([1.5, 1.5], { schema: 2 })
  const after = snapshotOf([1.5, 1.5, 3, 3, 3], { schema: 1 })
  const window = new SnapshotSum().add(after).add(before, -1).snapshot()!
  t.equal(window.count, 3)
  t.same(window.positive, [[bucketIndex(3, 1), 3]], 'emptied buckets are left out')
  t.equal(new SnapshotSum().snapshot(), undefined)
})
