import { test } from 'tap'
import { hasNativeHistograms, type NativeHistogramSource } from '../src/index.js'
import { buildApp } from './helpers.js'

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
