import { test } from 'tap'
import { Registry } from '@prometheus-io/client'
import { all, double, fixed64, last, message, string, varint } from '../../../test-support/protobuf-wire.js'
import { buildApp } from './helpers.js'
import { families, labelsOf, metricsOf, nativeBuckets, PROTOBUF, zigzag } from './protobuf-read.js'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'

// metrics.proto (prometheus/client_model), by field number.
const TYPE = { COUNTER: 0n, GAUGE: 1n, SUMMARY: 2n, HISTOGRAM: 4n }

// Prometheus's documented index: bucket i holds (2^((i-1)/2^s), 2^(i/2^s)].
const docsIndex = (value: number, schema: number): number => Math.ceil(Math.log2(value) * 2 ** schema)

test('every metric type in protobuf, with default labels, exemplars and native buckets', async (t) => {
  const app = await buildApp({
    defaultLabels: { service: 'proto' },
    nativeHistograms: { schema: 2 },
    registry: new Registry(Registry.OPENMETRICS_CONTENT_TYPE)
  })
  t.teardown(() => app.close())
  app.get('/users/:id', async () => ({ ok: true }))
  app.metrics.setExemplarSource(() => ({ trace_id: TRACE_ID }))

  const jobs = app.metrics.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue'], enableExemplars: true })
  // The client types exemplar labels with the metric's own label names; trace_id is not one of them.
  jobs.inc({ labels: { queue: 'default' }, value: 2, exemplarLabels: { trace_id: TRACE_ID } as Record<string, string> as { queue: string } })
  app.metrics.gauge({ name: 'workers', help: 'Workers.' }).set(4)
  const batch = app.metrics.histogram({ name: 'batch_seconds', help: 'Batches.', labelNames: ['kind'], buckets: [1, 10], native: { schema: 0 } })
  for (const value of [0.3, 3, 3.5, 12]) batch.observe({ kind: 'nightly' }, value)
  batch.labels('hourly').observe(-2)
  const plain = app.metrics.histogram({ name: 'plain_seconds', help: 'Classic only.', buckets: [1] })
  plain.observe(0.5)
  const sizes = app.metrics.summary({ name: 'payload_bytes', help: 'Payloads.', percentiles: [0.5] })
  sizes.observe(10)

  for (let i = 0; i < 3; i++) await app.inject({ url: `/users/${i}` })

  const response = await app.inject({ url: '/metrics', headers: { accept: PROTOBUF } })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited')
  const byName = families(response.rawPayload)

  // Counter (self-rendered) with default labels.
  const requests = byName.get('http_requests_total')!
  t.equal(varint(last(requests, 3)), TYPE.COUNTER)
  t.equal(string(last(requests, 2)), 'HTTP requests completed, by method, route template and status code.')
  const [request] = metricsOf(requests)
  t.same(labelsOf(request!), { method: 'GET', route: '/users/:id', status_code: '200', service: 'proto' })
  t.equal(double(last(message(last(request!, 3))!, 1)), 3)

  // Counter (client) with its exemplar.
  const [job] = metricsOf(byName.get('jobs_total')!)
  t.same(labelsOf(job!), { queue: 'default', service: 'proto' })
  const counter = message(last(job!, 3))!
  t.equal(double(last(counter, 1)), 2)
  const counterExemplar = message(last(counter, 2))!
  t.same(labelsOf(counterExemplar), { trace_id: TRACE_ID })
  t.ok(Number(varint(last(message(last(counterExemplar, 3))!, 1))) > 1.7e9, 'exemplar timestamp in seconds')

  // Gauge.
  const workers = byName.get('workers')!
  t.equal(varint(last(workers, 3)), TYPE.GAUGE)
  t.equal(double(last(message(last(metricsOf(workers)[0]!, 2))!, 1)), 4)

  // Summary.
  const payload = byName.get('payload_bytes')!
  t.equal(varint(last(payload, 3)), TYPE.SUMMARY)
  const summary = message(last(metricsOf(payload)[0]!, 4))!
  t.equal(varint(last(summary, 1)), 1n)
  t.equal(double(last(summary, 2)), 10)
  const quantile = message(last(summary, 3))!
  t.equal(double(last(quantile, 1)), 0.5)
  t.equal(double(last(quantile, 2)), 10)

  // The request duration: classic buckets with an exemplar, and native buckets at schema 2.
  const durations = byName.get('http_request_duration_seconds')!
  t.equal(varint(last(durations, 3)), TYPE.HISTOGRAM)
  const [duration] = metricsOf(durations)
  t.same(labelsOf(duration!), { method: 'GET', route: '/users/:id', status_code: '200', service: 'proto' })
  const h = message(last(duration!, 7))!
  t.equal(varint(last(h, 1)), 3n, 'sample_count')
  const buckets = all(h, 3).map((b) => message(b)!)
  t.equal(buckets.length, 14, 'the 14 finite buckets; +Inf is implied')
  t.equal(double(last(buckets[0]!, 2)), 0.005)
  t.equal(varint(last(buckets.at(-1)!, 1)), 3n, 'cumulative')
  const withExemplar = buckets.find((b) => last(b, 3) !== undefined)!
  t.same(labelsOf(message(last(withExemplar, 3))!), { trace_id: TRACE_ID })
  t.equal(zigzag(varint(last(h, 5))!), 2, 'schema')
  t.equal(double(last(h, 6)), 2 ** -128, 'zero_threshold')
  t.equal(varint(last(h, 7)), 0n, 'zero_count')
  const native = nativeBuckets(h, 12)
  t.equal(native.reduce((sum, [, count]) => sum + count, 0), 3, 'three requests in the native buckets')

  // An app histogram with native buckets: positive, negative and every index as the docs give it.
  const batches = metricsOf(byName.get('batch_seconds')!)
  const nightly = message(last(batches.find((m) => labelsOf(m).kind === 'nightly')!, 7))!
  t.equal(zigzag(varint(last(nightly, 5))!), 0)
  t.same(nativeBuckets(nightly, 12), [[docsIndex(0.3, 0), 1], [docsIndex(3, 0), 2], [docsIndex(12, 0), 1]])
  t.same(all(nightly, 3).map((b) => [double(last(message(b)!, 2)), Number(varint(last(message(b)!, 1)))]), [[1, 1], [10, 3]])
  t.equal(double(last(nightly, 2)), 0.3 + 3 + 3.5 + 12)
  const hourly = message(last(batches.find((m) => labelsOf(m).kind === 'hourly')!, 7))!
  t.same(nativeBuckets(hourly, 9), [[1, 1]], 'a negative observation in the negative buckets')
  t.same(labelsOf(batches[0]!).service, 'proto')

  // A classic-only histogram has no native fields.
  const classic = message(last(metricsOf(byName.get('plain_seconds')!)[0]!, 7))!
  t.equal(last(classic, 5), undefined)
  t.equal(last(classic, 6), undefined)
  t.equal(all(classic, 12).length, 0)

  // The resolution-reduction counter is there for every native histogram: the app's, the
  // requests' and the agent metrics' durations.
  const reductions = metricsOf(byName.get('obs_metrics_native_resolution_reductions_total')!)
  t.same(reductions.map((m) => labelsOf(m).metric).sort(), [
    'agent_task_duration_seconds', 'batch_seconds', 'gen_ai_client_operation_duration_seconds', 'gen_ai_execute_tool_duration_seconds',
    'gen_ai_invoke_agent_duration_seconds', 'http_request_duration_seconds'
  ])
})

test('the protobuf format without native histograms: no native fields, and the text formats are unchanged', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  app.get('/', async () => 'ok')
  await app.inject({ url: '/' })
  const response = await app.inject({ url: '/metrics', headers: { accept: PROTOBUF } })
  const byName = families(response.rawPayload)
  t.notOk(byName.has('obs_metrics_native_resolution_reductions_total'), 'no reduction counter without native histograms')
  const h = message(last(metricsOf(byName.get('http_request_duration_seconds')!)[0]!, 7))!
  t.equal(last(h, 5), undefined, 'no schema')
  t.equal(fixed64(last(h, 6)), undefined, 'no zero threshold')
  const text = await app.inject({ url: '/metrics' })
  t.match(text.headers['content-type'], /^text\/plain; version=0\.0\.4/)

  // render() stays text (for code that reads the exposition as a string); scrape() is what /metrics answers.
  const rendered = await app.metrics.render(`${PROTOBUF},application/openmetrics-text;q=0.8`)
  t.match(rendered.contentType, /^application\/openmetrics-text/)
  const scraped = await app.metrics.scrape(`${PROTOBUF},application/openmetrics-text;q=0.8`)
  t.equal(scraped.contentType, response.headers['content-type'])
  t.ok(Buffer.isBuffer(scraped.body))
})

test('a counter registered without _total is written with it in protobuf, as OpenMetrics names its samples; other types keep their name', async (t) => {
  const app = await buildApp({ requestMetrics: false })
  t.teardown(() => app.close())
  app.metrics.counter({ name: 'jobs_done', help: 'Jobs done.' }).inc(2)
  app.metrics.gauge({ name: 'queue_depth', help: 'Depth.' }).set(4)
  const openMetrics = await app.inject({ url: '/metrics', headers: { accept: 'application/openmetrics-text;version=1.0.0' } })
  t.match(openMetrics.body, /^jobs_done_total 2$/m, 'OpenMetrics names the samples jobs_done_total')
  const byName = families((await app.inject({ url: '/metrics', headers: { accept: PROTOBUF } })).rawPayload)
  t.notOk(byName.has('jobs_done'))
  const [done] = metricsOf(byName.get('jobs_done_total')!)
  t.equal(double(last(message(last(done!, 3))!, 1)), 2)
  t.equal(varint(last(byName.get('jobs_done_total')!, 3)), TYPE.COUNTER)
  t.ok(byName.has('queue_depth'), 'a gauge keeps its name')
})

test('a label set whose value is long and hostile survives the protobuf format', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  const value = 'quote " back\\slash new\nline 日本 ✓ ' + 'x'.repeat(5000)
  app.metrics.counter({ name: 'hostile_total', help: 'Hostile.', labelNames: ['value'] }).inc({ value })
  const response = await app.inject({ url: '/metrics', headers: { accept: PROTOBUF } })
  const [metric] = metricsOf(families(response.rawPayload).get('hostile_total')!)
  t.equal(labelsOf(metric!).value, value)
})

test('observations made while a scrape waits on another family\'s collect: each native histogram is read whole, count and buckets alike', async (t) => {
  const app = await buildApp({ requestMetrics: false })
  t.teardown(() => app.close())
  const batch = app.metrics.histogram({ name: 'batch_seconds', help: 'Batches.', native: true })
  batch.observe(0.5)
  // A family that collects asynchronously, as the disk metrics do: the scrape waits on it.
  app.metrics.gauge({
    name: 'slow_gauge',
    help: 'Collected after a wait.',
    async collect () { await new Promise((resolve) => setTimeout(resolve, 30)) }
  })
  const scraping = app.inject({ url: '/metrics', headers: { accept: PROTOBUF } })
  const observing = setInterval(() => batch.observe(2), 1)
  const response = await scraping
  clearInterval(observing)

  const histogram = message(last(metricsOf(families(response.rawPayload).get('batch_seconds')!)[0]!, 7))!
  const count = Number(varint(last(histogram, 1))) // sample_count
  const zero = Number(varint(last(histogram, 7)) ?? 0n) // zero_count
  const inBuckets = zero + nativeBuckets(histogram, 12).reduce((sum, [, n]) => sum + n, 0)
  const live = (await batch.get()).values.find((v) => v.metricName === 'batch_seconds_count')!.value
  t.ok(live > 1, `observations arrived while the scrape ran (${live} now)`)
  t.equal(inBuckets, count, `the buckets hold the ${count} observations the count says`)
})
