import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { httpCheck } from '../src/index.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { buildApp, startDependency } from './helpers.js'

test('a storm of concurrent probes against a slow dependency makes one call per run', async (t) => {
  const dependency = await startDependency(200, 200)
  t.teardown(() => dependency.close())
  const app = await buildApp()
  app.health.addCheck({ name: 'search', check: httpCheck(dependency.url) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }

  const storm = await Promise.all(Array.from({ length: 50 }, () => fetch(`http://127.0.0.1:${port}/health/ready`)))
  t.ok(storm.every((response) => response.status === 200))
  t.equal(dependency.calls, 1, '50 concurrent probes, one call to the dependency')

  await Promise.all(Array.from({ length: 50 }, () => fetch(`http://127.0.0.1:${port}/health/ready`)))
  t.equal(dependency.calls, 2, 'the next storm is the next run')
})

test('a cached result is reused for its TTL', async (t) => {
  const dependency = await startDependency()
  t.teardown(() => dependency.close())
  const app = await buildApp()
  app.health.addCheck({ name: 'search', check: httpCheck(dependency.url), cacheTtlMs: 60_000 })
  await app.ready()
  for (let i = 0; i < 10; i++) t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal(dependency.calls, 1)
  await app.close()
})

test('with a background refresh, probes answer from the last result and never wait for the dependency', async (t) => {
  const dependency = await startDependency(200, 0)
  t.teardown(() => dependency.close())
  const app = await buildApp({ checkTimeoutMs: 800 })
  app.health.addCheck({ name: 'llm', check: httpCheck(dependency.url), refreshIntervalMs: 100, critical: false })
  await app.ready()
  await waitFor('the first refresh', async () => dependency.calls >= 1 ? true : undefined)
  await sleep(20)

  // Now the dependency takes 2 s: a refresh is running, probes must not wait for it.
  dependency.respond(200, 2000)
  await waitFor('a slow refresh in flight', async () => dependency.calls >= 2 ? true : undefined)
  const callsBefore = dependency.calls
  const probes = await Promise.all(Array.from({ length: 20 }, () => app.inject('/health/ready')))
  t.ok(probes.every((response) => response.statusCode === 200 && response.json().checks.llm.status === 'pass'),
    'answered from the last result')
  t.equal(dependency.calls, callsBefore, 'the probes caused no call')
  await app.close()
})

test('a background refresh that stops producing results turns into a failure', async (t) => {
  let hang = false
  const app = await buildApp({ checkTimeoutMs: 50 })
  app.health.addCheck({
    name: 'stuck-later',
    check: () => hang ? new Promise<boolean>(() => {}) : true,
    refreshIntervalMs: 30
  })
  await app.ready()
  await waitFor('a first pass', async () => (await app.inject('/health/ready')).statusCode === 200 ? true : undefined)
  hang = true
  // Each hung run times out and fails; the probe reports that, never a stale pass.
  await waitFor('the failure', async () => (await app.inject('/health/ready')).statusCode === 503 ? true : undefined, 5000)
  t.pass('reported failing')
  await app.close()
})

test('a storm of probes against a large synchronous check beside a hanging one shares one run of each, and stays 200', async (t) => {
  const calls = { large: 0, hanging: 0 }
  const app = await buildApp({ exposeDetails: 'never', checkTimeoutMs: 200 })
  app.health.addCheck({
    name: 'large',
    check: () => {
      calls.large++
      return { status: 'pass', details: { blob: 'x'.repeat(1_000_000) } }
    }
  })
  app.health.addCheck({ name: 'hanging', check: () => { calls.hanging++; return new Promise(() => {}) }, critical: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const storm = async (): Promise<Array<{ status: number, body: string }>> => Promise.all(Array.from({ length: 100 }, async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`)
    return { status: response.status, body: await response.text() }
  }))

  // The first storm waits for the hanging check's timeout: every probe shares that evaluation.
  const first = await storm()
  t.ok(first.every((probe) => probe.status === 200), 'a burst of probes alone never turns readiness to 503')
  t.ok(first.every((probe) => probe.body === '{"status":"degraded"}'), 'each probe answers with its status only')
  t.equal(calls.large, 1, 'the synchronous check ran once for the whole storm')
  t.equal(calls.hanging, 1, 'the hanging check was called once')

  // Its call is still pending: the next storm gets its failure at once and calls it no more.
  const second = await storm()
  t.ok(second.every((probe) => probe.status === 200))
  t.equal(calls.hanging, 1, 'a call that outlived its timeout is not joined by another')
  const report = await app.health.probe('ready')
  t.equal(report.checks.find((check) => check.name === 'hanging')!.result.error, 'timed out after 200 ms')
})

test('a hung call that returns at last lets the check run again', async (t) => {
  let release: (() => void) | undefined
  let calls = 0
  const app = await buildApp({ checkTimeoutMs: 50 })
  app.health.addCheck({ name: 'slow', check: () => { calls++; return new Promise<void>((resolve) => { release = resolve }) }, critical: false })
  await app.ready()
  t.equal((await app.health.probe('ready')).checks[0]!.result.error, 'timed out after 50 ms')
  await app.health.probe('ready')
  t.equal(calls, 1, 'not called again while its call is pending')
  release!()
  await sleep(1)
  await app.health.probe('ready')
  t.equal(calls, 2, 'called again once it returned')
  await app.close()
})

test('a synchronous check that holds the event loop is not run again for every probe that follows', async (t) => {
  let calls = 0
  const app = await buildApp()
  app.health.addCheck({
    name: 'expensive',
    check: () => {
      calls++
      const until = performance.now() + 20
      while (performance.now() < until) { /* 20 ms of CPU, as building a large result takes */ }
      return true
    }
  })
  let cheap = 0
  app.health.addCheck({ name: 'cheap', check: () => { cheap++; return true } })
  await app.ready()
  for (let i = 0; i < 5; i++) t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal(calls, 1, 'its result serves for ten times the 20 ms it held the loop')
  t.equal(cheap, 5, 'a cheap check still runs for every probe')
  await app.close()
})
