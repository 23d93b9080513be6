import { test, type Test } from 'tap'
import Fastify from 'fastify'
import { Counter, Gauge, Histogram } from '@prometheus-io/client'
import metrics from '../src/index.js'
import { collectRegistry } from '../src/push/collect.js'
import { MergedLabels } from '../src/push/merged-labels.js'
import { Slicer } from '../src/push/slices.js'
import { startOtlpReceiver } from '../../../test-support/otlp-receiver.js'
import { startOtlpGrpcReceiver } from '../../../test-support/otlp-grpc-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { type ReadMetric, type ReadRequest, readMetricsRequest } from '../../../test-support/otlp-metrics.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

async function appWithTraffic (push: object): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, defaultLabels: { region: 'eu' }, push })
  app.get('/users/:id', async () => ({ ok: true }))
  app.metrics.setExemplarSource(() => ({ trace_id: TRACE, span_id: SPAN }))
  const jobs = new Counter({ name: 'jobs_total', help: 'Jobs done.', labelNames: ['queue'], registers: [app.metrics.registry] })
  jobs.inc({ queue: 'mail' }, 3)
  new Gauge({ name: 'queue_depth', help: 'Jobs waiting.', registers: [app.metrics.registry] }).set(7)
  new Histogram({ name: 'job_seconds', help: 'Job duration.', buckets: [0.1, 1], registers: [app.metrics.registry] }).observe(0.5)
  await app.ready()
  for (let i = 0; i < 3; i++) await app.inject({ url: `/users/${i}` })
  return app
}

const byName = (request: ReadRequest, name: string): ReadMetric => {
  const metric = request.metrics.find((m) => m.name === name)
  if (metric === undefined) throw new Error(`${name} not in ${request.metrics.map((m) => m.name).join(', ')}`)
  return metric
}

function checkRequest (t: Test, request: ReadRequest, temporality = 2): void {
  t.equal(request.resource['service.name'], 'checkout', 'service.name from the option')
  t.equal(request.resource['deployment.environment.name'], 'test', 'OTEL_RESOURCE_ATTRIBUTES are on the resource')
  t.equal(request.resource['process.pid'], process.pid)
  t.equal(request.scope, '@obs/metrics')

  const requests = byName(request, 'http_requests_total')
  t.equal(requests.kind, 'sum')
  t.equal(requests.monotonic, true, 'a counter is a monotonic sum')
  t.equal(requests.temporality, temporality)
  t.same(requests.points.map((p) => [p.attributes, p.value]),
    [[{ method: 'GET', route: '/users/:id', status_code: '200', region: 'eu' }, 3]], 'labels and default labels become attributes')
  const [point] = requests.points
  t.ok(point!.start! > 0n && point!.start! <= point!.time!, 'a start time per series, before the point time')

  const jobs = byName(request, 'jobs_total')
  t.same(jobs.points.map((p) => [p.attributes, p.value]), [[{ queue: 'mail', region: 'eu' }, 3]], 'plain client counters come through get()')
  const depth = byName(request, 'queue_depth')
  t.equal(depth.kind, 'gauge')
  t.equal(depth.points[0]!.value, 7)

  const duration = byName(request, 'http_request_duration_seconds')
  t.equal(duration.kind, 'histogram')
  t.equal(duration.temporality, temporality)
  const [h] = duration.points
  t.equal(h!.count, 3)
  t.equal(h!.bucketCounts!.length, h!.bounds!.length + 1, 'one count per bucket, +Inf last')
  t.equal(h!.bucketCounts!.reduce((a, b) => a + b, 0), 3, 'bucket counts are per bucket, not cumulative')
  t.ok(h!.exemplars.length > 0, 'exemplars are sent')
  t.equal(h!.exemplars[0]!.traceId, TRACE, 'the exemplar carries the trace id in its own field')
  t.equal(h!.exemplars[0]!.spanId, SPAN)
  t.same(h!.exemplars[0]!.attributes, {}, 'trace_id and span_id are not repeated as attributes')

  const job = byName(request, 'job_seconds').points[0]!
  t.same(job.bounds, [0.1, 1])
  t.same(job.bucketCounts, [0, 1, 0])
  t.equal(job.sum, 0.5)
}

test('OTLP over HTTP/protobuf: the instruments of /metrics, pushed on close and on the interval', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=test'
  t.teardown(() => { delete process.env.OTEL_RESOURCE_ATTRIBUTES })

  const app = await appWithTraffic({ serviceName: 'checkout', intervalMs: 100, otlp: { endpoint: `${receiver.url}/v1/metrics`, headers: { 'x-api-key': 'secret' } } })
  await waitFor('a push', async () => receiver.exports.length > 0 ? true : undefined)
  const first = receiver.exports[0]!
  t.equal(first.path, '/v1/metrics')
  t.equal(first.headers['content-type'], 'application/x-protobuf')
  t.equal(first.headers['x-api-key'], 'secret', 'headers are sent')
  checkRequest(t, first.decoded)

  const scrape = await app.inject({ url: '/metrics' })
  t.match(scrape.body, /http_requests_total\{method="GET",route="\/users\/:id",status_code="200",region="eu"\} 3/, '/metrics keeps working beside the push')

  await app.inject({ url: '/users/9' })
  const before = receiver.exports.length
  await app.close()
  t.ok(receiver.exports.length > before, 'close pushes a last time')
  const final = receiver.exports.at(-1)!.decoded
  t.equal(byName(final, 'http_requests_total').points[0]!.value, 4, 'cumulative: the total so far')
  t.equal(byName(final, 'http_requests_total').points[0]!.start, first.decoded.metrics.find((m) => m.name === 'http_requests_total')!.points[0]!.start,
    'the start time of a series stays the same across pushes')
  const exported = byName(final, 'otel_sdk_exporter_metric_data_point_exported_total')
  t.ok(exported.points.some((p) => p.attributes.otel_component_type === 'otlp_http_metric_exporter' && p.attributes.error_type === undefined && p.value! > 0),
    'successful exports are counted without error_type')
})

test('OTLP over gRPC, configured by the environment, in delta temporality', async (t) => {
  const receiver = await startOtlpGrpcReceiver(['metrics'], (body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  const env = {
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'authorization=Bearer%20abc',
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    OTEL_METRIC_EXPORT_INTERVAL: '3600000',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
    OTEL_SERVICE_NAME: 'checkout'
  }
  Object.assign(process.env, env)
  t.teardown(() => { for (const name of Object.keys(env)) delete process.env[name] })

  const app = await appWithTraffic({})
  // The interval is an hour: only the final push on close is sent.
  await app.close()
  await waitFor('a gRPC export', async () => receiver.exports.length > 0 ? true : undefined)
  t.equal(receiver.exports.length, 1)
  t.equal(receiver.exports[0]!.path, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export')
  t.equal(receiver.exports[0]!.headers.authorization, 'Bearer abc', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS become metadata')
  checkRequest(t, receiver.exports[0]!.decoded, 1)
})

test('delta temporality sends what changed since the previous push', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 50, otlp: { endpoint: `${receiver.url}/v1/metrics`, temporality: 'delta' } } })
  const jobs = new Counter({ name: 'jobs_total', help: 'Jobs done.', registers: [app.metrics.registry] })
  jobs.inc(5)
  await app.ready()
  await waitFor('a push with 5', async () => receiver.exports.some((e) => e.decoded.metrics.some((m) => m.name === 'jobs_total' && m.points[0]!.value === 5)) ? true : undefined)
  jobs.inc(2)
  await waitFor('a push with 2', async () => receiver.exports.some((e) => e.decoded.metrics.some((m) => m.name === 'jobs_total' && m.points[0]!.value === 2)) ? true : undefined)
  await app.close()
  const values = receiver.exports.map((e) => byName(e.decoded, 'jobs_total').points[0]!.value)
  t.equal(values.reduce((a, b) => a! + b!, 0), 7, 'the deltas add up to the total')
  t.ok(values.every((v) => v === 0 || v === 5 || v === 2), `each push holds a change: ${values.join(', ')}`)
})

test('the plugin\'s resource option: under push.serviceName and push.resource, over the variables; bad values are coded errors', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, {
    processMetrics: false,
    resource: { 'service.name': 'from-plugin', 'service.namespace': 'shop', 'deployment.environment.name': 'prod' },
    push: { intervalMs: 60_000, resource: { 'deployment.environment.name': 'from-push' }, otlp: { endpoint: `${receiver.url}/v1/metrics` } }
  })
  await app.ready()
  await app.close()
  t.match(receiver.exports.at(-1)!.decoded.resource, { 'service.name': 'from-plugin', 'service.namespace': 'shop', 'deployment.environment.name': 'from-push' })
  await t.rejects(async () => { await Fastify().register(metrics, { resource: { tags: ['a'] } as never }) }, { code: 'OBS_METRICS_INVALID_OPTION', message: /"resource": expected an object of string, number or boolean values/ })
})

test('a push after a bigger one sends its own series only (the sink writes each request into the same buffer)', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 50, otlp: { endpoint: `${receiver.url}/v1/metrics` } } })
  const depth = new Gauge({ name: 'queue_depth', help: 'Jobs waiting.', labelNames: ['queue'], registers: [app.metrics.registry] })
  for (let i = 0; i < 500; i++) depth.set({ queue: `queue-${i}-${'x'.repeat(100)}` }, i)
  await app.ready()
  await waitFor('a push of 500 series', async () => receiver.exports.some((e) => e.decoded.metrics.some((m) => m.name === 'queue_depth' && m.points.length === 500)) ? true : undefined)
  depth.reset()
  depth.set({ queue: 'mail' }, 7)
  const small = await waitFor('a push of 1 series', async () => receiver.exports.find((e) => e.decoded.metrics.some((m) => m.name === 'queue_depth' && m.points.length === 1)))
  await app.close()
  t.ok(small.body.length < receiver.exports[0]!.body.length / 10, 'the smaller request is sent at its own length')
  t.same(byName(small.decoded, 'queue_depth').points.map((p) => [p.attributes, p.value]), [[{ queue: 'mail' }, 7]], 'nothing of the bigger request is left in it')
  t.equal(small.decoded.scope, '@obs/metrics', 'the request is whole from its start')
})

test('headers given in code replace OTEL_EXPORTER_OTLP_HEADERS: the environment\'s key does not go to an endpoint given in code', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-env-key=from-env'
  process.env.OTEL_EXPORTER_OTLP_METRICS_HEADERS = 'authorization=Bearer%20env'
  t.teardown(() => { delete process.env.OTEL_EXPORTER_OTLP_HEADERS; delete process.env.OTEL_EXPORTER_OTLP_METRICS_HEADERS })
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, push: { intervalMs: 3_600_000, otlp: { endpoint: `${receiver.url}/v1/metrics`, headers: { 'x-api-key': 'secret' } } } })
  await app.ready()
  await app.close()
  const { headers } = receiver.exports[0]!
  t.equal(headers['x-api-key'], 'secret')
  t.equal(headers['x-env-key'], undefined, 'OTEL_EXPORTER_OTLP_HEADERS is not sent')
  t.equal(headers.authorization, undefined, 'OTEL_EXPORTER_OTLP_METRICS_HEADERS is not sent')
  t.equal(headers['content-type'], 'application/x-protobuf')
})

test('delta temporality: a push that failed is not lost, the next delta covers its interval', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  receiver.failWith = 400
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 50, otlp: { endpoint: `${receiver.url}/v1/metrics`, temporality: 'delta' } } })
  const jobs = new Counter({ name: 'jobs_total', help: 'Jobs done.', registers: [app.metrics.registry] })
  jobs.inc(5)
  await app.ready()
  const failed = /otel_sdk_exporter_metric_data_point_exported_total\{otel_component_type="otlp_http_metric_exporter",error_type="400"\} [1-9]/
  await waitFor('a failed push', async () => failed.test((await app.inject({ url: '/metrics' })).body) ? true : undefined)
  jobs.inc(2)
  receiver.failWith = undefined
  await waitFor('a delivered push', async () => receiver.exports.length > 0 ? true : undefined)
  await app.close()
  const values = receiver.exports.map((e) => byName(e.decoded, 'jobs_total').points[0]!.value!)
  t.equal(values.reduce((a, b) => a + b, 0), 7, 'the delivered deltas add up to the total')
})

test('with default labels, a series keeps the same merged label object from push to push (its key is found, not rebuilt)', async (t) => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, defaultLabels: { region: 'eu' } })
  app.get('/', async () => 'ok')
  await app.ready()
  await app.inject({ url: '/' })
  const merged = new MergedLabels()
  const labelsOf = async (): Promise<object> => {
    const snapshot = await collectRegistry(app.metrics.registry, { region: 'eu' }, () => {}, new Slicer(), merged)
    return snapshot.families.find((f) => f.name === 'http_requests_total')!.points[0]!.labels
  }
  const first = await labelsOf()
  const second = await labelsOf()
  t.same(first, { method: 'GET', route: '/', status_code: '200', region: 'eu' })
  t.equal(first, second, 'the same object')
  await app.close()
})
