import { test } from 'tap'
import { addHistograms, isCounterReset, reduceHistogram, subtractHistograms } from '../src/native/arithmetic.js'
import type { NativeHistogramSnapshot } from '../src/native/snapshot.js'

/** A snapshot with positive buckets [index, count]; its count is theirs unless `extra` says otherwise. */
const snapshot = (schema: number, positive: Array<[number, number]>, extra: Partial<NativeHistogramSnapshot> = {}): NativeHistogramSnapshot => ({
  schema, zeroThreshold: 0, zeroCount: 0, count: positive.reduce((sum, [, c]) => sum + c, 0) + (extra.zeroCount ?? 0), sum: 1, positive, negative: [], ...extra
})

test('reducing to a coarser schema merges 2^levels buckets into one', async (t) => {
  // Schema 2 to 0: bucket i goes to ceil(i / 4): 1..4 → 1, 5 → 2; 0 and -3..0 → 0, -4 → -1.
  const h = snapshot(2, [[-4, 1], [-3, 1], [0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1]], { negative: [[1, 2], [5, 3]] })
  const reduced = reduceHistogram(h, 0)
  t.equal(reduced.schema, 0)
  t.same(reduced.positive, [[-1, 1], [0, 2], [1, 4], [2, 1]])
  t.same(reduced.negative, [[1, 2], [2, 3]])
  t.equal(reduced.count, h.count)
})

test('a wider zero bucket takes in the buckets below its threshold', async (t) => {
  // Schema 0: (0.25, 0.5] lies inside a zero bucket of 0.5, (0.5, 1] does not.
  const h = snapshot(0, [[-1, 2], [0, 3]], { zeroThreshold: 0.1, zeroCount: 1, negative: [[-1, 4]] })
  const reduced = reduceHistogram(h, 0, 0.5)
  t.equal(reduced.zeroThreshold, 0.5)
  t.equal(reduced.zeroCount, 7, '1 + 2 positive + 4 negative')
  t.same(reduced.positive, [[0, 3]])
  t.same(reduced.negative, [])
  // A threshold of 0.7 cuts through the populated (0.5, 1]: it grows to 1 and takes that bucket in too.
  const cut = reduceHistogram(h, 0, 0.7)
  t.equal(cut.zeroThreshold, 1)
  t.equal(cut.zeroCount, 10)
  t.same(cut.positive, [])
})

test('adding and subtracting work at the coarser schema and the wider zero bucket', async (t) => {
  const fine = snapshot(2, [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]])
  const coarse = snapshot(0, [[1, 3]])
  const sum = addHistograms(fine, coarse)
  t.equal(sum.schema, 0)
  t.equal(sum.count, 8)
  t.same(sum.positive, [[1, 7], [2, 1]])
  t.same(subtractHistograms(coarse, fine).positive, [[1, -1], [2, -1]], 'a difference may go negative')
  // Emptied buckets are left out.
  const window = subtractHistograms(snapshot(1, [[1, 2], [3, 3]]), snapshot(2, [[1, 1], [2, 1]]))
  t.same(window.positive, [[3, 3]])
  t.equal(window.count, 3)
  const zero = addHistograms(snapshot(0, [[0, 1]], { zeroThreshold: 0.5, zeroCount: 1 }), snapshot(0, [[1, 1]], { zeroThreshold: 0.25, zeroCount: 2 }))
  t.equal(zero.zeroThreshold, 0.5)
  t.equal(zero.zeroCount, 3)
})

test('counter resets are told as Prometheus tells them', async (t) => {
  const before = snapshot(1, [[1, 3], [2, 1]])
  t.ok(isCounterReset(before, snapshot(1, [[1, 2], [2, 1]])), 'fewer observations')
  t.ok(isCounterReset(before, snapshot(1, [[1, 2], [2, 2]])), 'a bucket went down though the count did not')
  t.ok(isCounterReset(before, snapshot(2, [[2, 3], [4, 1]])), 'a finer schema')
  t.ok(isCounterReset(snapshot(1, [[1, 3]], { zeroThreshold: 0.5 }), snapshot(1, [[1, 3]], { zeroThreshold: 0.25 })), 'a narrower zero bucket')
  t.notOk(isCounterReset(before, snapshot(0, [[1, 5]])), 'a coarser schema with more observations')
  t.notOk(isCounterReset(before, before), 'nothing changed')
  // A zero bucket widened to 2^-0.5 takes (0.5, 0.707] in and leaves (0.707, 1] out: it cuts through no
  // bucket. (Math.SQRT1_2 is that bound exactly; Node 22's `2 ** -0.5` is one ulp below it.)
  const small = snapshot(1, [[-1, 2], [0, 1], [1, 1]])
  t.notOk(isCounterReset(small, snapshot(1, [[0, 1], [1, 1]], { zeroThreshold: Math.SQRT1_2, zeroCount: 2 })), 'a wider zero bucket that took buckets in')
  t.ok(isCounterReset(small, snapshot(1, [[1, 1]], { zeroThreshold: 0.8, zeroCount: 3 })), 'a wider zero bucket that cuts through a populated bucket')
})
