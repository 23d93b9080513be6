import { type Test, test } from 'tap'
import type { NativeHistogramSeries, NativeHistogramSnapshot } from '@obs/metrics'
import { combine, fromSnapshot, isReset, nativeQuantile, reduce } from '../src/series/native-math.js'
import { buildApp, MINUTE, T0 } from './helpers.js'

const snapshot = (schema: number, positive: Array<[number, number]>, extra: Partial<NativeHistogramSnapshot> = {}): NativeHistogramSnapshot => ({
  schema, zeroThreshold: 0, zeroCount: 0, count: positive.reduce((sum, [, c]) => sum + c, 0), sum: 1, positive, negative: [], ...extra
})

/**
 * @obs/metrics and @obs/alerts in a Fastify app; `llm_duration_seconds` is a @prometheus-io/client
 * histogram in the app's registry that also offers native histograms, set by hand.
 */
async function setup (t: Test, quantile: number) {
  let now = T0
  const app = await buildApp({ rules: [{ kind: 'latency', name: 'Slow', quantile, above: 0, window: '5m', metric: 'llm_duration_seconds' }], now: () => now })
  t.teardown(() => app.close())
  const metric = app.metrics.histogram({ name: 'llm_duration_seconds', help: 'LLM call duration.', labelNames: ['model'] })
  let snapshots: NativeHistogramSeries[] = []
  Object.assign(metric, { nativeHistograms: () => snapshots })
  // Classic buckets with other observations: a quantile from them would be far from the native one.
  metric.observe({ model: 'a' }, 100)
  await app.ready()
  const set = (h: NativeHistogramSnapshot): void => { snapshots = [{ labels: { model: 'a' }, histogram: h }] }
  const step = async (): Promise<void> => {
    now += MINUTE
    const report = await app.alerts.evaluate()
    t.same(report.errors, [], 'no rule error')
  }
  const value = (): number | null | undefined => app.alerts.active().find((a) => a.name === 'Slow')?.value
  return { set, step, value }
}

test('a quantile over a family that offers native histograms reads the exponential buckets', async (t) => {
  const { set, step, value } = await setup(t, 0.5)
  set(snapshot(0, []))
  await step()
  // Schema 0: bucket i holds (2^(i-1), 2^i]. 2 in (1,2], 6 in (2,4], 2 in (4,8].
  set(snapshot(0, [[1, 2], [2, 6], [3, 2]]))
  await step()
  // Median: rank 5 of 10 counted from the top falls in (2,4] with 3 of its 6 below it: half way
  // on a log scale, 2^1.5.
  t.ok(Math.abs(value()! - 2 ** 1.5) < 1e-9, `p50 ${value()} = 2^1.5`)

  // The schema drops to -1 (bucket i holds (4^(i-1), 4^i]): the increase is taken at the coarser schema.
  set(snapshot(-1, [[1, 18], [2, 12]]))
  await step()
  // Over the window (from the empty first sample): 18 in (1,4], 12 in (4,16]; rank 15 from the top
  // is 15 of 18 into (1,4]: 2^(2 × 15/18).
  t.ok(Math.abs(value()! - 2 ** (2 * 15 / 18)) < 1e-9, `p50 ${value()} after the schema change`)

  // A reset (the count went down): what was there before counts on, as for counters.
  set(snapshot(-1, [[1, 4]]))
  await step()
  t.ok(Math.abs(value()! - 2 ** (2 * 17 / 22)) < 1e-9, `p50 ${value()} after the reset: 22 in (1,4], 12 in (4,16]`)
})

test('a low quantile is found from below, interpolated on a log scale', async (t) => {
  const { set, step, value } = await setup(t, 0.25)
  set(snapshot(0, []))
  await step()
  set(snapshot(0, [[1, 2], [2, 6], [3, 2]]))
  await step()
  // rank 2.5: past the 2 of (1,2], 0.5 of 6 into (2,4].
  t.ok(Math.abs(value()! - 2 ** (1 + 0.5 / 6)) < 1e-9, `p25 ${value()}`)
})

test('native histogram arithmetic: reduce, combine, reset, zero bucket', async (t) => {
  const h = fromSnapshot(snapshot(2, [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]))
  // Schema 2 to 0: four buckets make one; index 1..4 → 1, 5 → 2.
  t.same([...reduce(h, 0).positive], [[1, 4], [2, 1]])
  t.same([...combine(fromSnapshot(snapshot(0, [[1, 3]])), h, -1).positive], [[1, -1], [2, -1]])
  t.ok(isReset(fromSnapshot(snapshot(0, [[1, 3]])), fromSnapshot(snapshot(0, [[1, 2]]))), 'a count that went down')
  t.ok(isReset(fromSnapshot(snapshot(0, [[1, 3]])), fromSnapshot(snapshot(1, [[1, 3]]))), 'a finer schema')
  t.notOk(isReset(fromSnapshot(snapshot(1, [[1, 3]])), fromSnapshot(snapshot(0, [[1, 3], [2, 1]]))), 'a coarser schema with more observations')
  // Only the zero bucket and positive buckets: the zero bucket runs from 0 to its threshold, linearly.
  const zero = fromSnapshot(snapshot(0, [[1, 2]], { zeroThreshold: 0.5, zeroCount: 2, count: 4 }))
  t.equal(nativeQuantile(0.25, zero), 0.25)
  t.ok(Number.isNaN(nativeQuantile(0.5, fromSnapshot(snapshot(0, [])))), 'NaN without observations')
  // A negative bucket mirrors a positive one: (-2, -1] at schema 0, the median half way on a log scale.
  const negative = fromSnapshot({ ...snapshot(0, []), count: 2, negative: [[1, 2]] })
  t.ok(Math.abs(nativeQuantile(0.5, negative) + 2 ** 0.5) < 1e-9)
})
