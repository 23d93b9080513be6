import { test } from 'tap'
import { randomBytes } from 'node:crypto'
import { flood } from '../../../test-support/flood.js'
import { samples } from '../../../test-support/exposition.js'
import { SeriesTable } from '../src/requests/series.js'
import { buildApp, scrape, scrapeSamples } from './helpers.js'

const seriesCount = (exposition: string): number => samples(exposition).size

test('100,000 requests to random paths leave the series count unchanged', async (t) => {
  const app = await buildApp({ processMetrics: false })
  app.get('/users/:id', async () => 'x')
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }

  // The first unmatched request creates the unmatched series; nothing after it may add one.
  await flood(port, 1, () => '/warm-up')
  const before = await scrape(app)
  const statuses = await flood(port, 100_000, (i) => `/${randomBytes(8).toString('hex')}/${i}?x=${i}`)
  t.equal(statuses.get(404), 100_000)

  const after = await scrape(app)
  t.equal(seriesCount(after), seriesCount(before), 'same number of series')
  t.equal(samples(after).get('http_requests_total{method="GET",route="__unmatched__",status_code="404"}'), 100_001)
})

test('a cap on label sets sends new ones to one overflow series and counts what it dropped', async (t) => {
  const app = await buildApp({ maxLabelSets: 3 })
  app.get('/status/:code', async (request, reply) => reply.code(Number((request.params as { code: string }).code)).send())
  for (const code of [200, 201, 202, 203, 204, 203, 206]) await app.inject(`/status/${code}`)

  const s = await scrapeSamples(app)
  for (const code of [200, 201, 202]) t.equal(s.get(`http_requests_total{method="GET",route="/status/:code",status_code="${code}"}`), 1)
  t.equal(s.get('http_requests_total{method="__overflow__",route="__overflow__",status_code="__overflow__"}'), 4)
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="http_requests_total"}'), 4)
  t.equal(s.get('http_request_duration_seconds_count{method="__overflow__",route="__overflow__",status_code="__overflow__"}'), 4)
})

test('application metrics are capped the same way, on every recording path', async (t) => {
  const app = await buildApp({ maxLabelSets: 2 })
  const counter = app.metrics.counter({ name: 'requests_by_user_total', help: 'Per user.', labelNames: ['user'] })
  const histogram = app.metrics.histogram({ name: 'latency_by_user_seconds', help: 'Per user.', labelNames: ['user'], buckets: [1] })
  const gauge = app.metrics.gauge({ name: 'sessions_by_user', help: 'Per user.', labelNames: ['user'] })
  for (const user of ['a', 'b', 'c', 'd', 'a']) {
    counter.inc({ user })
    counter.labels(user).inc()
    histogram.observe({ user }, 0.5)
    histogram.startTimer({ user })()
    gauge.set({ user }, 1)
    gauge.labels({ user }).inc()
  }

  const s = await scrapeSamples(app)
  t.equal(s.get('requests_by_user_total{user="a"}'), 4)
  t.equal(s.get('requests_by_user_total{user="b"}'), 2)
  t.equal(s.get('requests_by_user_total{user="c"}'), undefined)
  t.equal(s.get('requests_by_user_total{user="__overflow__"}'), 4)
  t.equal(s.get('latency_by_user_seconds_count{user="__overflow__"}'), 4)
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="requests_by_user_total"}'), 4)
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="latency_by_user_seconds"}'), 4)
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="sessions_by_user"}'), 4)
})

test('children made with labels() are capped too, histograms and summaries included', async (t) => {
  const app = await buildApp({ maxLabelSets: 2 })
  const histogram = app.metrics.histogram({ name: 'child_latency_seconds', help: 'Per user.', labelNames: ['user'], buckets: [1] })
  const summary = app.metrics.summary({ name: 'child_size_bytes', help: 'Per user.', labelNames: ['user'] })
  const counter = app.metrics.counter({ name: 'child_calls_total', help: 'Per user.', labelNames: ['user'] })
  for (let i = 0; i < 50; i++) {
    const user = `user-${i}`
    histogram.labels(user).observe(0.5)
    histogram.labels({ user }).startTimer()()
    summary.labels(user).observe(10)
    counter.labels({ user }).inc()
  }
  const s = await scrapeSamples(app)
  const series = (name: string): number => [...s.keys()].filter((key) => key.startsWith(`${name}{`)).length
  t.equal(series('child_latency_seconds_count'), 3, 'two users and the overflow series')
  t.equal(series('child_size_bytes_count'), 3)
  t.equal(series('child_calls_total'), 3)
  t.equal(s.get('child_latency_seconds_count{user="__overflow__"}'), 96, 'every observation over the cap lands in the overflow series')
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="child_latency_seconds"}'), 96, 'and is counted once')
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="child_size_bytes"}'), 48)
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="child_calls_total"}'), 48)
  t.throws(() => counter.labels('a', 'b'), 'a wrong number of values is still the error @prometheus-io/client gives')
})

test('children made before any value hold their place under the cap, and take no second one once recorded', async (t) => {
  const app = await buildApp({ maxLabelSets: 2 })
  const histogram = app.metrics.histogram({ name: 'early_latency_seconds', help: 'Per user.', labelNames: ['user'], buckets: [1] })
  const children = ['a', 'b', 'c', 'd'].map((user) => histogram.labels(user))
  for (const child of children) child.observe(0.5)
  histogram.observe({ user: 'a' }, 0.5)
  histogram.observe({ user: 'e' }, 0.5)
  const s = await scrapeSamples(app)
  t.equal(s.get('early_latency_seconds_count{user="a"}'), 2)
  t.equal(s.get('early_latency_seconds_count{user="b"}'), 1)
  t.equal(s.get('early_latency_seconds_count{user="__overflow__"}'), 3, 'c, d and e')
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="early_latency_seconds"}'), 3)
})

test('a value the client refuses takes no place under the cap', async (t) => {
  const app = await buildApp({ maxLabelSets: 2 })
  const counter = app.metrics.counter({ name: 'refused_total', help: 'Per user.', labelNames: ['user'] })
  t.throws(() => counter.inc({ user: 'a' }, -1), 'a counter does not go down')
  counter.inc({ user: 'b' })
  counter.inc({ user: 'c' })
  const s = await scrapeSamples(app)
  t.equal(s.get('refused_total{user="b"}'), 1)
  t.equal(s.get('refused_total{user="c"}'), 1)
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="refused_total"}'), 0)
})

test('removing a label set frees its place under the cap', async (t) => {
  const app = await buildApp({ maxLabelSets: 1 })
  const gauge = app.metrics.gauge({ name: 'queue_items', help: 'Items.', labelNames: ['queue'] })
  gauge.set({ queue: 'a' }, 1)
  gauge.remove({ queue: 'a' })
  gauge.set({ queue: 'b' }, 2)
  gauge.remove('b')
  gauge.set({ queue: 'c' }, 3)
  const s = await scrapeSamples(app)
  t.equal(s.get('queue_items{queue="c"}'), 3)
  t.equal(s.get('obs_metrics_cardinality_overflow_total{metric="queue_items"}'), 0)
})

test('error types past the series cap leave no trace: the map of known types stays within the cap', async (t) => {
  const table = new SeriesTable({ durationBuckets: [1], sizeBuckets: undefined, maxLabelSets: 10 })
  const state = table.methodState('/boom', 'GET')
  for (let i = 0; i < 20_000; i++) state.errors(`E${i}`).count++
  t.equal(table.errorSeries.length, 10, 'ten series, the cap')
  t.equal(table.errorOverflow?.count, 19_990, 'the rest counted in the overflow series')
  t.equal((state as unknown as { byErrorType: Map<string, unknown> }).byErrorType.size, 10, 'only the types that have a series are remembered')
  t.equal(state.errors('E3'), state.errors('E3'), 'a type under the cap keeps its series')
})
