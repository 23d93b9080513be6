import { test } from 'tap'
import Fastify from 'fastify'
import { initTracing, runningTracingSdk } from '@obs/tracing'
import setup from '../src/index.js'

test('with no SDK running, setup starts one with the service name and environment, and shuts it down on close', async (t) => {
  t.equal(runningTracingSdk(), undefined)
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', environment: 'staging', tracing: { traceIdHeader: 'x-trace-id' }, tracingSdk: { exporter: 'none', instrumentations: false } })
  app.get('/orders/:id', async (request) => ({ traceId: request.traceId }))
  await app.ready()
  t.equal(app.obsSetup.startedTracingSdk, true)
  t.match(runningTracingSdk()?.config.service, { name: 'checkout', environment: 'staging' })
  const response = await app.inject('/orders/7')
  t.match(response.headers['x-trace-id'], /^[0-9a-f]{32}$/, 'requests are traced')
  t.equal(response.json().traceId, response.headers['x-trace-id'])
  await app.close()
  t.equal(runningTracingSdk(), undefined, 'shut down with the app')
})

test('an SDK already running is used and left running', async (t) => {
  const sdk = initTracing({ serviceName: 'mine', exporter: 'none', instrumentations: false })
  t.teardown(() => sdk.shutdown())
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout' })
  await app.ready()
  t.equal(app.obsSetup.startedTracingSdk, false)
  await app.close()
  t.equal(runningTracingSdk(), sdk, 'still running')
})

test('tracingSdk: false starts none', async (t) => {
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', tracingSdk: false })
  await app.ready()
  t.equal(app.obsSetup.startedTracingSdk, false)
  t.equal(runningTracingSdk(), undefined)
  await app.close()
})
