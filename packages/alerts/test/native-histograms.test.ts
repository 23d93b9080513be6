import { type Test, test } from 'tap'
import type { NativeHistogramSeries, NativeHistogramSnapshot } from '@obs/metrics'
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
