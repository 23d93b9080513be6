import { test } from 'tap'
import { MINUTE, testEngine } from './helpers.js'

test('memory stays bounded whatever the number of series: limits on series and groups, counted', async (t) => {
  const e = testEngine([
    { kind: 'rate', name: 'PerRoute', metric: 'requests_total', above: 1e9, window: '5m', by: ['route'] },
    { kind: 'rate', name: 'Total', metric: 'requests_total', above: 1e9, window: '5m' }
  ], { limits: { maxSeries: 500, maxGroups: 100, samplesPerWindow: 30 } })
  for (let i = 0; i < 2000; i++) e.series.set('requests_total', { route: `/r${i}`, status_code: String(200 + (i % 3)) }, i)
  await e.engine.evaluate()
  const stats = e.engine.stats()
  // PerRoute: 100 groups, so 100 series; Total: one group, the first 500 series.
  t.equal(stats.groups, 101)
  t.equal(stats.series, 600)
  t.equal(stats.overLimit, 1900 + 1500, 'every series left out is counted once, when it appears')
  for (let i = 0; i < 10; i++) await e.step()
  t.equal(e.engine.stats().overLimit, 3400, 'not counted again at each evaluation')
})

test('series that go away free their state, and long windows keep a bounded history', async (t) => {
  const e = testEngine([
    { kind: 'rate', name: 'Churn', metric: 'jobs_total', above: 1e9, window: '1h', by: ['worker'] },
    { kind: 'rate', name: 'Long', metric: 'jobs_total', above: 1e9, window: '3d' }
  ], { limits: { maxSeries: 10_000, maxGroups: 10_000, samplesPerWindow: 60 } })
  // Workers come and go, each living ten minutes; six hours at one evaluation a minute.
  for (let minute = 0; minute < 6 * 60; minute++) {
    e.series.remove('jobs_total').set('jobs_total', { worker: `w${Math.floor(minute / 10)}` }, minute % 10)
    if (minute > 0) e.clock.advance(MINUTE)
    await e.engine.evaluate()
  }
  const stats = e.engine.stats()
  t.equal(stats.series, 2, 'only the live series is tracked (once per rule input)')
  t.ok(stats.groups <= 1 + 8, `a group is dropped a window after its last series went (${stats.groups} groups of 36 workers)`)
  t.ok(stats.samples <= stats.groups * 63 + 63, `history: at most samplesPerWindow + 3 slots per group and window (${stats.samples})`)
})
