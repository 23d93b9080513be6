import Fastify from 'fastify'
import metrics, { histogramQuantile } from '@obs/metrics'
import { test } from 'tap'
import { MAX_ROUTES, RequestRates } from '../src/sources/request-rates.js'

test('rates, error ratios and quantiles per route between two readings', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { processMetrics: false })
  app.get('/ok/:id', async () => 'ok')
  app.get('/boom', async () => { throw new Error('boom') })
  await app.ready()
  const rates = new RequestRates(app.metrics.registry, 'http_request_duration_seconds', histogramQuantile)
  await app.inject('/ok/1')
  t.equal(await rates.read(1_000), undefined, 'the first reading is the baseline')

  for (let i = 0; i < 8; i++) await app.inject(`/ok/${i}`)
  for (let i = 0; i < 2; i++) await app.inject('/boom')
  const [ok, boom] = (await rates.read(3_000))!
  t.same([ok!.route, ok!.rate, ok!.errorRatio], ['/ok/:id', 4, 0], 'only what came after the baseline: 8 requests in 2 s')
  t.same([boom!.route, boom!.rate, boom!.errorRatio], ['/boom', 1, 1])
  t.ok(ok!.p50 !== null && ok!.p50 > 0 && ok!.p50 <= 0.005, 'fast requests fall in the first bucket')

  const idle = (await rates.read(4_000))!
  t.same(idle.map((r) => [r.route, r.rate, r.errorRatio, r.p99]), [['/ok/:id', 0, null, null], ['/boom', 0, null, null]], 'no requests: no ratio, no quantile')

  rates.reset()
  t.equal(await rates.read(5_000), undefined, 'after a reset, a new baseline')
})

test('a reading keeps the busiest routes only', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { processMetrics: false })
  for (let i = 0; i < MAX_ROUTES + 10; i++) app.get(`/r${i}`, async () => 'ok')
  await app.ready()
  const rates = new RequestRates(app.metrics.registry, 'http_request_duration_seconds', histogramQuantile)
  await rates.read(0)
  for (let i = 0; i < MAX_ROUTES + 10; i++) await app.inject(`/r${i}`)
  await app.inject('/r59')
  const read = (await rates.read(1_000))!
  t.equal(read.length, MAX_ROUTES)
  t.equal(read[0]!.route, '/r59', 'the busiest first')
})
