import { test } from 'tap'
import { hasNativeHistograms, type NativeHistogramSource } from '../src/index.js'
import { buildApp, scrapeSamples } from './helpers.js'

const total = (source: NativeHistogramSource, labels: Record<string, string>): number | undefined =>
  source.nativeHistograms().find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))?.histogram.count

test('an app histogram with native: every way of recording fills both bucket kinds', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  const h = app.metrics.histogram({ name: 'job_seconds', help: 'Jobs.', labelNames: ['queue', 'kind'], buckets: [1], native: { schema: 1 } })
  t.ok(hasNativeHistograms(h))
  const source = h as unknown as NativeHistogramSource
  h.observe({ queue: 'a', kind: 'x' }, 0.5)
  h.labels('a', 'x').observe(2)
  h.labels({ kind: 'x', queue: 'a' }).observe(3)
  h.startTimer({ queue: 'a' })({ kind: 'x' })
  t.equal(total(source, { queue: 'a', kind: 'x' }), 4)
  const [series] = source.nativeHistograms()
  t.equal(series!.histogram.schema, 1)
  t.equal(series!.histogram.sum > 5.5, true)

  h.zero({ queue: 'b', kind: 'y' })
  t.equal(total(source, { queue: 'b', kind: 'y' }), 0, 'zero makes an empty series')
  t.throws(() => h.observe({ queue: 'a', kind: 'x' }, NaN), 'the client refuses NaN')
  t.equal(total(source, { queue: 'a', kind: 'x' }), 4, 'and so nothing is recorded natively')
  h.remove('b', 'y')
  t.equal(total(source, { queue: 'b', kind: 'y' }), undefined, 'remove drops the native series')
  h.reset()
  t.same(source.nativeHistograms(), [])

  const unlabelled = app.metrics.histogram({ name: 'tick_seconds', help: 'Ticks.', native: true })
  unlabelled.observe(0.25)
  t.same((unlabelled as unknown as NativeHistogramSource).nativeHistograms().map((s) => [s.labels, s.histogram.count]), [[{}, 1]])
  const classic = app.metrics.histogram({ name: 'plain_seconds', help: 'Plain.' })
  t.notOk(hasNativeHistograms(classic), 'without native, a plain client histogram')
})

test('native app histograms share the label-set cap: new sets over it go to the overflow series', async (t) => {
  const app = await buildApp({ maxLabelSets: 2 })
  t.teardown(() => app.close())
  const h = app.metrics.histogram({ name: 'tenant_seconds', help: 'Per tenant.', labelNames: ['tenant'], native: true })
  for (const tenant of ['a', 'b', 'c', 'd']) h.observe({ tenant }, 1)
  h.labels('e').observe(1)
  const series = (h as unknown as NativeHistogramSource).nativeHistograms()
  t.same(series.map((s) => [s.labels.tenant, s.histogram.count]), [['a', 1], ['b', 1], ['__overflow__', 3]])
})

test('a bad native option on an app histogram is a coded error', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  t.throws(() => app.metrics.histogram({ name: 'x_seconds', help: 'X.', native: { schema: 12 } }), { code: 'OBS_METRICS_INVALID_OPTION', message: /x_seconds\.native\.schema/ })
  t.throws(() => app.metrics.histogram({ name: 'y_seconds', help: 'Y.', native: { zeroTreshold: 1 } as never }), { code: 'OBS_METRICS_INVALID_OPTION', message: /did you mean/ })
  t.equal(app.metrics.registry.getSingleMetric('x_seconds'), undefined, 'nothing was registered')
})

test('halvings of the resolution stay counted when their series is removed, and go back to 0 on reset', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  const h = app.metrics.histogram({ name: 'spread_seconds', help: 'Spread.', labelNames: ['queue'], native: { schema: 0, maxBuckets: 2 } })
  const reductions = async (): Promise<number | undefined> => (await scrapeSamples(app)).get('obs_metrics_native_resolution_reductions_total{metric="spread_seconds"}')
  // 1, 4 and 16 are three buckets at schema 0 and at schema -1; at schema -2, 4 and 16 share one.
  for (const value of [1, 4, 16]) h.observe({ queue: 'a' }, value)
  t.equal(await reductions(), 2)
  h.observe({ queue: 'b' }, 1)
  h.remove('a')
  t.equal(await reductions(), 2, 'the removed series still counts')
  t.same((h as unknown as NativeHistogramSource).nativeHistograms().map((s) => s.labels), [{ queue: 'b' }])
  h.reset()
  t.equal(await reductions(), 0)
})
