import { test } from 'tap'
import Fastify from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import health from '../src/index.js'
import { buildApp } from './helpers.js'

test('liveness checks only the process by default: a failing dependency never fails it', async (t) => {
  const app = await buildApp()
  app.health.addCheck({ name: 'db', check: () => false })
  await app.ready()
  const live = await app.inject('/health/live')
  t.equal(live.statusCode, 200)
  t.same(Object.keys(live.json().checks), ['event-loop'])
  t.equal((await app.inject('/health/ready')).statusCode, 503)
  await app.close()
})

test('the event-loop check fails liveness after a long stall, and passes again', async (t) => {
  const app = await buildApp({ maxEventLoopStallMs: 100 })
  await app.ready()
  await sleep(50) // the delay monitor measures between its ticks: let it tick once
  const until = Date.now() + 300
  while (Date.now() < until) { /* stall the event loop on purpose */ }
  await sleep(50)
  const stalled = await app.inject('/health/live')
  t.equal(stalled.statusCode, 503)
  t.ok(stalled.json().checks['event-loop'].details.maxDelayMs > 100)
  await sleep(50)
  t.equal((await app.inject('/health/live')).statusCode, 200, 'the window starts again after each run')
  await app.close()
})

test('a user may put a dependency in liveness explicitly', async (t) => {
  const app = await buildApp({ maxEventLoopStallMs: false })
  app.health.addCheck({ name: 'deadlock-detector', check: () => false, probes: ['live'] })
  await app.ready()
  t.equal((await app.inject('/health/live')).statusCode, 503)
  await app.close()
})

test('startup fails until the app is ready and startup checks pass; readiness waits for startup', async (t) => {
  let warmedUp = false
  const app = Fastify()
  await app.register(health, { pressure: false, checks: [{ name: 'cache-warmup', check: () => warmedUp, probes: ['startup'] }] })
  // Before onReady the server does not answer, so ask the probe directly.
  const before = await app.health.probe('startup')
  t.equal(before.status, 'unhealthy')
  t.equal(before.reason, 'the app is not ready yet')
  await app.ready()

  let startup = await app.inject('/health/startup')
  t.equal(startup.statusCode, 503)
  let ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.match(ready.json().reason, /^not started/)
  t.equal(app.health.started, false)

  warmedUp = true
  startup = await app.inject('/health/startup')
  t.equal(startup.statusCode, 200)
  t.equal(app.health.started, true)
  ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)

  warmedUp = false
  t.equal((await app.inject('/health/startup')).statusCode, 200, 'startup stays passed once it has passed')
  await app.close()
})

test('readiness alone completes startup when no startup probe is configured', async (t) => {
  const app = await buildApp()
  await app.ready()
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal(app.health.started, true)
  await app.close()
})

test('a startup deadline fails startup for good', async (t) => {
  const app = await buildApp({ startupTimeoutMs: 100, checks: [{ name: 'never', check: () => false, probes: ['startup'] }] })
  await app.ready()
  await sleep(150)
  const response = await app.inject('/health/startup')
  t.equal(response.statusCode, 503)
  t.equal(response.json().reason, 'startup did not succeed within 100 ms')
  t.equal((await app.inject('/health/ready')).statusCode, 503)
  await app.close()
})

test('at the startup deadline, an app that is ready but was never probed has started', async (t) => {
  const { waitFor } = await import('../../../test-support/wait-for.js')
  const app = await buildApp({ startupTimeoutMs: 100 })
  await app.ready()
  await waitFor('the startup deadline to pass', async () => app.health.started ? true : undefined, 5000, 20)
  t.equal((await app.inject('/health/startup')).statusCode, 200)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  await app.close()
})

test('process pressure fails readiness with the reason; liveness and other routes keep answering', async (t) => {
  const app = await buildApp({ pressure: { maxHeapUsedBytes: 1 } })
  app.get('/work', async () => 'done')
  await app.ready()
  // @fastify/under-pressure samples memory once a second.
  await sleep(1100)
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.match(ready.json().reason, /^under pressure: heap used \d+ bytes > 1 bytes$/)
  t.equal((await app.inject('/health/live')).statusCode, 200)
  t.equal((await app.inject('/work')).statusCode, 200, 'no load shedding unless asked')
  await app.close()
})

test('with shedLoad, routes answer 503 under pressure but the probes still answer', async (t) => {
  const app = await buildApp({ pressure: { maxHeapUsedBytes: 1, shedLoad: true } })
  app.get('/work', async () => 'done')
  await app.ready()
  await sleep(1100)
  t.equal((await app.inject('/work')).statusCode, 503)
  t.equal((await app.inject('/health/live')).statusCode, 200)
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.match(ready.json().reason, /under pressure/)
  await app.close()
})

test('an under-pressure registered by the app is reused, not registered twice', async (t) => {
  const { default: underPressure } = await import('@fastify/under-pressure')
  const app = Fastify()
  await app.register(underPressure, {})
  await app.register(health, { pressure: { maxHeapUsedBytes: 1 } })
  await app.ready()
  await sleep(1100)
  t.equal((await app.inject('/health/ready')).statusCode, 503)
  await app.close()
})
