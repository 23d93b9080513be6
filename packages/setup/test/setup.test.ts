import { test } from 'tap'
import Fastify from 'fastify'
import setup from '../src/index.js'
import { samples } from '../../../test-support/exposition.js'
import { readMetricsRequest } from '../../../test-support/otlp-metrics.js'
import { startOtlpReceiver } from '../../../test-support/otlp-receiver.js'

test('one call: metrics, tracing, health and alerts, with the service name and environment on every metric', async (t) => {
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', environment: 'staging', tracingSdk: false })
  app.get('/orders/:id', async () => ({ ok: true }))
  t.teardown(() => app.close())
  await app.ready()

  t.same(app.obsSetup.registered, ['metrics', 'tracing', 'health', 'alerts', 'console'])
  t.equal(app.obsSetup.serviceName, 'checkout')
  t.equal(app.obsSetup.environment, 'staging')
  t.equal((await app.inject('/orders/7')).statusCode, 200)
  const metrics = samples((await app.inject('/metrics')).body)
  t.equal(metrics.get('http_requests_total{method="GET",route="/orders/:id",status_code="200",service="checkout",environment="staging"}'), 1)
  for (const probe of ['live', 'ready', 'startup']) t.equal((await app.inject(`/health/${probe}`)).statusCode, 200, `/health/${probe}`)
  t.equal((await app.inject('/alerts')).statusCode, 200)
  t.equal(typeof app.tracing.withSpan, 'function')
})

test('each part\'s options go through to it', async (t) => {
  const app = Fastify()
  await app.register(setup, {
    serviceName: 'checkout',
    tracingSdk: false,
    metrics: { prefix: 'shop_', defaultLabels: { team: 'payments' } },
    health: { prefix: '/probes' },
    tracing: { exclude: ['/internal'] },
    alerts: { path: '/ops/alerts', rules: [{ kind: 'gauge', name: 'Backlog', metric: 'jobs_waiting', above: 10 }], interval: false }
  })
  app.metrics.gauge({ name: 'jobs_waiting', help: 'Jobs waiting.' }).set(50)
  t.teardown(() => app.close())
  await app.ready()

  const metrics = samples((await app.inject('/metrics')).body)
  t.equal(metrics.get('shop_jobs_waiting{service="checkout",team="payments"}'), 50, 'the prefix, and the labels beside the service')
  t.equal((await app.inject('/probes/ready')).statusCode, 200)
  t.equal((await app.inject('/health/ready')).statusCode, 404)
  await app.alerts.evaluate()
  t.same(app.alerts.active().map((alert) => alert.name), ['Backlog'])
  t.equal((await app.inject('/ops/alerts')).statusCode, 200)
})

test('a service label in the metrics options wins over the service name', async (t) => {
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', tracingSdk: false, metrics: { defaultLabels: { service: 'checkout-eu' }, processMetrics: false } })
  t.teardown(() => app.close())
  app.metrics.gauge({ name: 'up_since', help: 'Start.' }).set(1)
  t.equal(samples((await app.inject('/metrics')).body).get('up_since{service="checkout-eu"}'), 1)
})

test('false leaves a part out', async (t) => {
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', metrics: false, tracing: false, health: false, alerts: false, console: false })
  t.teardown(() => app.close())
  await app.ready()
  t.same(app.obsSetup.registered, [])
  t.same(app.obsSetup.skipped, { metrics: 'off', tracing: 'off', health: 'off', alerts: 'off', console: 'off' })
  t.equal(app.obsSetup.startedTracingSdk, false, 'no tracing, no SDK')
  t.notOk(app.hasDecorator('metrics'))
  t.equal((await app.inject('/metrics')).statusCode, 404)
  t.equal((await app.inject('/health/live')).statusCode, 404)
})

test('pushed metrics carry the service and environment of the setup, as spans and logs do', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(setup, {
    serviceName: 'checkout',
    environment: 'staging',
    tracingSdk: false,
    metrics: { push: { intervalMs: 60_000, otlp: { endpoint: `${receiver.url}/v1/metrics` } }, resource: { 'service.namespace': 'shop' } }
  })
  await app.ready()
  await app.close() // the last push
  const { resource } = receiver.exports.at(-1)!.decoded
  t.match(resource, { 'service.name': 'checkout', 'deployment.environment.name': 'staging', 'service.namespace': 'shop' })
})
