import { test } from 'tap'
import { histogramQuantile } from '../src/requests/histogram-quantile.js'
import { RequestSummary } from '../src/requests/summary.js'
import { SeriesTable } from '../src/requests/series.js'
import { buildApp } from './helpers.js'

test('histogramQuantile interpolates as PromQL histogram_quantile does', async (t) => {
  const bounds = [0.1, 0.5, 1]
  // 10 observations: 4 ≤ 0.1, 4 in (0.1, 0.5], 2 in (0.5, 1], none above.
  const counts = [4, 4, 2, 0]
  t.equal(histogramQuantile(0.4, bounds, counts), 0.1)
  t.equal(histogramQuantile(0.2, bounds, counts), 0.05)
  t.ok(Math.abs(histogramQuantile(0.6, bounds, counts) - 0.3) < 1e-12)
  t.ok(Math.abs(histogramQuantile(0.9, bounds, counts) - 0.75) < 1e-12)
  t.equal(histogramQuantile(0.99, [0.1, 0.5], [1, 0, 9]), 0.5, 'in the +Inf bucket: the highest finite bound')
  t.ok(Number.isNaN(histogramQuantile(0.5, bounds, [0, 0, 0, 0])), 'no observations: NaN')
  t.equal(histogramQuantile(-1, bounds, counts), -Infinity)
  t.equal(histogramQuantile(2, bounds, counts), Infinity)
  t.equal(histogramQuantile(0.5, [-1, 0, 1], [2, 0, 0, 0]), -1, 'a first bucket with a negative bound')
})

test('the summary covers the window: rate, error ratio and quantiles from bucket deltas', async (t) => {
  let now = 0
  const table = new SeriesTable({ durationBuckets: [0.1, 1], sizeBuckets: undefined, maxLabelSets: 100 })
  const summary = new RequestSummary(table, 60, () => now)
  const state = table.methodState('/users/:id', 'GET')
  // Old traffic, outside the window later: 100 fast successes.
  for (let i = 0; i < 100; i++) state.series(200).duration.observe(0.05)
  now = 10_000
  summary.tick()
  now = 70_000
  summary.tick()
  // Traffic inside the window: 8 slow successes, 2 server errors.
  for (let i = 0; i < 8; i++) state.series(200).duration.observe(0.5)
  for (let i = 0; i < 2; i++) state.series(503).duration.observe(0.05)
  now = 80_000

  const [route] = summary.summary().routes
  t.equal(route!.method, 'GET')
  t.equal(route!.route, '/users/:id')
  t.equal(route!.requestsTotal, 110)
  t.equal(route!.requests, 10)
  // The baseline is the snapshot taken at 10 s, 70 s old: the rate divides by that.
  t.equal(route!.rate, 10 / 70)
  t.equal(route!.errorRatio, 0.2)
  t.equal(route!.p50, 0.1 + 0.9 * ((5 - 2) / 8))
  t.equal(summary.summary().windowSeconds, 70)
})

test('with native buckets the quantiles come from them, over the window and across a resolution reduction', async (t) => {
  let now = 0
  const native = { schema: 3, maxBuckets: 8, zeroThreshold: 2 ** -128 }
  const table = new SeriesTable({ durationBuckets: [0.1, 1], durationNative: native, sizeBuckets: undefined, maxLabelSets: 100 })
  const summary = new RequestSummary(table, 60, () => now)
  const state = table.methodState('/llm', 'POST')
  // Old traffic, outside the window later: slow calls that would pull every quantile up.
  for (let i = 0; i < 100; i++) state.series(200).duration.observe(30)
  now = 10_000
  summary.tick()
  now = 70_000
  summary.tick()
  // In the window: 10 calls of 0.3 s on one status, 10 of 0.3 s on another (a second series).
  for (let i = 0; i < 10; i++) state.series(200).duration.observe(0.3)
  for (let i = 0; i < 10; i++) state.series(504).duration.observe(0.3)
  // Spread values that exceed 8 buckets: the 200 series halves its resolution after the baseline.
  for (const value of [0.001, 0.01, 1, 10, 100, 1000, 0.0001, 5000]) state.series(200).duration.observe(value)
  t.ok(state.series(200).duration.native!.schema < 3, 'the resolution was reduced')
  now = 80_000

  const [route] = summary.summary().routes
  t.equal(route!.requests, 28)
  // The median (rank 14 of 28) is among the twenty 0.3 s calls; the 200 series' 0.3 s now sit in
  // a coarser bucket, so the estimate lies within that bucket around 0.3, never near the old 30 s.
  const schema = state.series(200).duration.native!.schema
  const width = 2 ** (2 ** -schema)
  t.ok(route!.p50! > 0.3 / width && route!.p50! <= 0.3 * width, `p50 ${route!.p50} within a bucket of 0.3 at schema ${schema}`)
  // The classic buckets would put it anywhere in (0.1, 1].
  t.ok(route!.p99! > 1000 && route!.p99! <= 5000 * width, `p99 ${route!.p99} in the bucket of the largest value`)
})

test('a route without requests in the window has null ratios and quantiles', async (t) => {
  const table = new SeriesTable({ durationBuckets: [0.1], sizeBuckets: undefined, maxLabelSets: 10 })
  table.methodState('/idle', 'GET')
  const [route] = new RequestSummary(table, 60).summary().routes
  t.same({ requests: route!.requests, errorRatio: route!.errorRatio, p99: route!.p99 }, { requests: 0, errorRatio: null, p99: null })
})

test('GET /metrics/summary serves it as JSON, and app.metrics.requestSummary() returns the same', async (t) => {
  const app = await buildApp()
  app.get('/ok', async () => 'x')
  app.get('/fail', async (_request, reply) => reply.code(500).send())
  await app.inject('/ok')
  await app.inject('/ok')
  await app.inject('/ok')
  await app.inject('/fail')
  const response = await app.inject('/metrics/summary')
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /application\/json/)
  const body = response.json()
  const ok = body.routes.find((r: { route: string, method: string }) => r.route === '/ok' && r.method === 'GET')
  const fail = body.routes.find((r: { route: string, method: string }) => r.route === '/fail' && r.method === 'GET')
  t.equal(ok.requests, 3)
  t.equal(ok.errorRatio, 0)
  t.equal(fail.errorRatio, 1)
  // How long the requests took is the machine's business: the quantile itself is tested above.
  t.ok(ok.p99 > 0, 'a p99 from the observed durations')
  const direct = app.metrics.requestSummary().routes
  t.equal(direct.length, body.routes.length)
  t.equal(direct.find((r) => r.route === '/ok' && r.method === 'GET')?.p99, ok.p99, 'the same quantile both ways')
  t.equal((await (await import('./helpers.js')).buildApp({ summaryPath: false })).printRoutes().includes('summary'), false)
})

test('the overflow series, shared by every route, is not counted in any route of the summary', async (t) => {
  const table = new SeriesTable({ durationBuckets: [0.1], sizeBuckets: undefined, maxLabelSets: 1 })
  const a = table.methodState('/a', 'GET')
  const b = table.methodState('/b', 'GET')
  for (let i = 0; i < 5; i++) a.series(200).duration.observe(0.01)
  for (let i = 0; i < 7; i++) b.series(200).duration.observe(0.01)
  for (let i = 0; i < 3; i++) a.series(500).duration.observe(0.01)
  const routes = new RequestSummary(table, 60).summary().routes
  t.same(routes.map((r) => [r.route, r.requestsTotal]), [['/a', 5], ['/b', 0]], 'only series of their own; /b and /a 500 went to the overflow')
  t.equal(table.overflow!.duration.count, 10)
})
