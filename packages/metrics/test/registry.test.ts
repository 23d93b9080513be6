import { test } from 'tap'
import Fastify from 'fastify'
import { Registry } from '@prometheus-io/client'
import metrics from '../src/index.js'
import { buildApp, scrape, scrapeSamples } from './helpers.js'

test('two apps in one process each have their own registry and series', async (t) => {
  const one = Fastify()
  const two = Fastify()
  await one.register(metrics)
  await two.register(metrics)
  one.get('/a', async () => 'x')
  two.get('/b', async () => 'x')
  await one.inject('/a')
  await two.inject('/b')
  await two.inject('/b')
  t.not(one.metrics.registry, two.metrics.registry)
  const a = await scrape(one)
  const b = await scrape(two)
  t.match(a, /http_requests_total\{method="GET",route="\/a",status_code="200"\} 1/)
  t.notMatch(a, /route="\/b"/)
  t.match(b, /http_requests_total\{method="GET",route="\/b",status_code="200"\} 2/)
  await Promise.all([one.close(), two.close()])
})

test('process metrics are on by default, collected at scrape time', async (t) => {
  const app = Fastify()
  await app.register(metrics)
  const text = await scrape(app)
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    t.match(text, new RegExp(`^${name} `, 'm'), name)
  }
  t.notMatch(text, /nodejs_active_handles_total/, 'the gauge misnamed as a counter is left out')
  t.match(text, /^nodejs_active_handles\{/m, 'its per-type gauge stays')
  t.notMatch(text, /nodejs_eventloop_utilization_/, 'the utilization histogram and summary, named with their type, are left out')
})

test('process metrics are made once per process and shared, so a closed app leaves nothing running', async (t) => {
  const one = Fastify()
  const two = Fastify()
  await one.register(metrics)
  await two.register(metrics)
  const cpu = 'process_cpu_seconds_total'
  t.ok(one.metrics.registry.getSingleMetric(cpu))
  t.equal(one.metrics.registry.getSingleMetric(cpu), two.metrics.registry.getSingleMetric(cpu), 'the same metric object in both registries')
  t.match(await scrape(two), /^process_cpu_seconds_total \d/m)
  await Promise.all([one.close(), two.close()])
})

test('a custom registry is used, and a prefix applies to every metric the plugin creates', async (t) => {
  const registry = new Registry()
  const app = Fastify()
  await app.register(metrics, { registry, prefix: 'agent_' })
  app.get('/', async () => 'x')
  await app.inject('/')
  app.metrics.counter({ name: 'jobs_total', help: 'Jobs.' }).inc()
  t.equal(app.metrics.registry, registry)
  const text = await registry.metrics()
  for (const name of ['agent_http_requests_total', 'agent_process_cpu_seconds_total', 'agent_jobs_total', '# HELP agent_gen_ai_client_token_usage ']) {
    t.ok(text.includes(name), name)
  }
  t.notMatch(text, /^http_requests_total/m)
})

test('registering twice into one registry is a coded error, not a silent merge', async (t) => {
  const registry = new Registry()
  const one = Fastify()
  await one.register(metrics, { registry })
  const two = Fastify()
  await t.rejects(async () => { await two.register(metrics, { registry, processMetrics: false }) }, { code: 'OBS_METRICS_DUPLICATE_METRIC' })
  const three = Fastify()
  await t.rejects(async () => { await three.register(metrics, { registry, requestMetrics: false, agentMetrics: false }) }, { code: 'OBS_METRICS_DUPLICATE_METRIC' })
})

test('registering the plugin twice in one app is a clear coded error', async (t) => {
  const app = Fastify()
  await app.register(metrics)
  await t.rejects(async () => { await app.register(metrics) }, {
    code: 'OBS_METRICS_ALREADY_REGISTERED',
    message: /@obs\/metrics is already registered/
  })
})

test('the metrics route can be moved or turned off and mounted elsewhere with render()', async (t) => {
  const moved = await buildApp({ path: '/internal/prometheus' })
  t.equal((await moved.inject('/metrics')).statusCode, 404)
  t.equal((await moved.inject('/internal/prometheus')).statusCode, 200)

  const off = await buildApp({ path: false })
  off.get('/custom-metrics', async (request, reply) => {
    const { contentType, body } = await off.metrics.render(request.headers.accept)
    return reply.type(contentType).send(body)
  })
  t.equal((await off.inject('/metrics')).statusCode, 404)
  const response = await off.inject({ url: '/custom-metrics', headers: { accept: 'application/openmetrics-text' } })
  t.equal(response.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  t.ok(response.body.endsWith('# EOF\n'))
})

test('the metrics and summary routes are not measured, and answer HEAD', async (t) => {
  const app = await buildApp()
  await app.inject('/metrics')
  await app.inject('/metrics/summary')
  t.equal((await app.inject({ method: 'HEAD', url: '/metrics' })).statusCode, 200)
  const s = await scrapeSamples(app)
  t.notOk([...s.keys()].some((key) => key.includes('route="/metrics')))
})

test('reset through the registry zeroes the request series', async (t) => {
  const app = await buildApp()
  app.get('/', async () => 'x')
  await app.inject('/')
  app.metrics.registry.resetMetrics()
  const s = await scrapeSamples(app)
  t.equal(s.get('http_requests_total{method="GET",route="/",status_code="200"}'), 0)
})
