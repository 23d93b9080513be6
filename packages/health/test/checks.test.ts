import { test } from 'tap'
import { buildApp } from './helpers.js'

test('every way a check can fail is a failed check with a reason, never a hung probe', async (t) => {
  const app = await buildApp({ deadlineMs: 300, checkTimeoutMs: 100 })
  let aborted = false
  app.health.addCheck({ name: 'throws', check: () => { throw new TypeError('sync boom') }, critical: false })
  app.health.addCheck({ name: 'rejects', check: async () => { throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }, critical: false })
  app.health.addCheck({ name: 'hangs', check: ({ signal }) => new Promise(() => { signal.addEventListener('abort', () => { aborted = true }) }), critical: false })
  app.health.addCheck({ name: 'throws-string', check: () => { throw 'just a string' }, critical: false }) // eslint-disable-line no-throw-literal
  app.health.addCheck({ name: 'throws-undefined', check: async () => { throw undefined }, critical: false }) // eslint-disable-line no-throw-literal
  app.health.addCheck({ name: 'throws-symbol', check: () => { throw Symbol('odd') }, critical: false })
  app.health.addCheck({ name: 'throws-hostile', check: () => { throw { toString () { throw new Error('no') }, toJSON () { throw new Error('no') } } }, critical: false }) // eslint-disable-line no-throw-literal
  app.health.addCheck({ name: 'returns-false', check: () => false, critical: false })
  app.health.addCheck({ name: 'passes', check: async () => true, critical: false })
  await app.ready()

  const response = await app.inject('/health/ready')
  t.equal(response.statusCode, 200, 'all failing checks are non-critical: degraded, 200')
  const { status, checks } = response.json()
  t.equal(status, 'degraded')
  t.equal(checks.throws.status, 'fail')
  t.equal(checks.throws.error, 'TypeError: sync boom')
  t.equal(checks.rejects.error, 'Error ECONNREFUSED: refused')
  t.equal(checks.hangs.error, 'timed out after 100 ms')
  t.ok(aborted, 'the hung check was told to stop through its signal')
  t.equal(checks['throws-string'].error, 'thrown: just a string')
  t.equal(checks['throws-undefined'].status, 'fail')
  t.equal(checks['throws-symbol'].error, 'thrown: Symbol(odd)')
  t.match(checks['throws-hostile'].error, /cannot be described/)
  t.equal(checks['returns-false'].error, 'the check returned false')
  t.equal(checks.passes.status, 'pass')
  await app.close()
})

test('a check timeout longer than the probe deadline is cut to the deadline', async (t) => {
  const { waitFor } = await import('../../../test-support/wait-for.js')
  const app = await buildApp({ deadlineMs: 150 })
  let abortedWith: string | undefined
  app.health.addCheck({
    name: 'stuck',
    check: ({ signal }) => new Promise(() => { signal.addEventListener('abort', () => { abortedWith = (signal.reason as Error).message }) }),
    timeoutMs: 60_000
  })
  await app.ready()
  const response = await app.inject('/health/ready')
  t.equal(response.statusCode, 503)
  t.match(response.json().checks.stuck.error, /^(timed out after 150 ms|the probe deadline passed first)$/)
  t.equal(await waitFor('the check to be aborted', async () => abortedWith, 5000, 10), 'timed out after 150 ms', 'its run was cut at 150 ms, not 60 s')
  await app.close()
})

test('check results: warn makes the probe degraded, details and observed values are kept', async (t) => {
  const app = await buildApp()
  app.health.addCheck({ name: 'queue', check: () => ({ status: 'warn', details: { depth: 120 }, measurement: 'depth', observedValue: 120, observedUnit: 'items' }) })
  await app.ready()
  const body = (await app.inject('/health/ready')).json()
  t.equal(body.status, 'degraded')
  t.same(body.checks.queue.details, { depth: 120 })
  t.equal(body.checks.queue.critical, true)
  t.ok(body.checks.queue.durationMs >= 0)
  await app.close()
})

test('bad check definitions are coded errors; duplicates too', async (t) => {
  const app = await buildApp()
  const add = (definition: unknown): void => app.health.addCheck(definition as Parameters<typeof app.health.addCheck>[0])
  t.throws(() => add({ name: 'ok', check: 'not a function' }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add({ name: 'bad name!', check: () => true }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add({ name: 'a:b', check: () => true }), { code: 'OBS_HEALTH_INVALID_CHECK' }, 'the colon separates component and measurement')
  t.throws(() => add({ name: '', check: () => true }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add({ name: 'x', check: () => true, timeoutMs: -1 }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add({ name: 'x', check: () => true, probes: ['sometimes'] }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add({ name: 'x', check: () => true, probes: [] }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add({ name: 'x', check: () => true, critical: 'yes' }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add({ name: 'x', check: () => true, refreshIntervalMs: NaN }), { code: 'OBS_HEALTH_INVALID_CHECK' })
  t.throws(() => add(null), { code: 'OBS_HEALTH_INVALID_CHECK' })
  add({ name: 'db', check: () => true })
  t.throws(() => add({ name: 'db', check: () => true }), { code: 'OBS_HEALTH_DUPLICATE_CHECK' })
  t.throws(() => add({ name: 'event-loop', check: () => true }), { code: 'OBS_HEALTH_DUPLICATE_CHECK' }, 'the built-in liveness check is taken')
})

test('bad plugin options are coded errors at registration', async (t) => {
  const { default: Fastify } = await import('fastify')
  const { default: health } = await import('../src/index.js')
  const bad: unknown[] = [
    { prefix: 'health' }, { prefix: '/health/' }, { deadlineMs: 0 }, { checkTimeoutMs: -5 }, { exposeDetails: 'sometimes' },
    { pressure: { maxEventLoopUtilization: 2 } }, { pressure: { maxEventLoopDelay: -1 } }, { pressure: 'yes' },
    { shutdown: { signals: ['TERM'] } }, { shutdown: { drainDelayMs: -1 } }, { startupTimeoutMs: 0 }, { maxEventLoopStallMs: 'x' },
    { checks: [{ name: 'x' }] }, { version: 3 }
  ]
  for (const options of bad) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(health, options as never) },
      { code: /^OBS_HEALTH_INVALID_(OPTION|CHECK)$/ }, JSON.stringify(options))
  }
})

test('a misspelled option is a coded error naming it and the nearest valid one', async (t) => {
  const { default: Fastify } = await import('fastify')
  const { default: health } = await import('../src/index.js')
  const cases: Array<[unknown, RegExp]> = [
    [{ dedlineMs: 500 }, /"dedlineMs": unknown option; did you mean "deadlineMs"\?/],
    [{ pressure: { maxHeapUsedByte: 1e9 } }, /"pressure.maxHeapUsedByte": unknown option; did you mean "pressure.maxHeapUsedBytes"\?/],
    [{ shutdown: { drainDelay: 10 } }, /"shutdown.drainDelay": unknown option; did you mean "shutdown.drainDelayMs"\?/],
    [{ checks: [{ name: 'db', check: () => true, critcal: false }] }, /"db.critcal": unknown option; did you mean "db.critical"\?/]
  ]
  for (const [options, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(health, options as never) }, { code: /^OBS_HEALTH_INVALID_(OPTION|CHECK)$/, message }, JSON.stringify(options))
  }
  const app = await buildApp()
  t.throws(() => app.health.addCheck({ name: 'db', check: () => true, timeoutMS: 100 } as never), { code: 'OBS_HEALTH_INVALID_CHECK', message: /did you mean "db.timeoutMs"/ })
})

test('registering the plugin twice in one app is a clear coded error', async (t) => {
  const { default: Fastify } = await import('fastify')
  const { default: health } = await import('../src/index.js')
  const app = Fastify()
  await app.register(health, { pressure: false })
  await t.rejects(async () => { await app.register(health, { pressure: false }) }, {
    code: 'OBS_HEALTH_ALREADY_REGISTERED',
    message: /@obs\/health is already registered/
  })
})

test('details that cannot be written as JSON fail their check, never the probe', async (t) => {
  const app = await buildApp()
  const circular: Record<string, unknown> = { name: 'pool' }
  circular.self = circular
  app.health.addCheck({ name: 'bigint', check: () => ({ details: { entries: 10n } }), critical: false })
  app.health.addCheck({ name: 'cycle', check: () => ({ details: circular }), probes: ['live'] })
  await app.ready()
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200, 'a non-critical check: degraded, not a 500')
  t.equal(ready.json().checks.bigint.status, 'fail')
  t.match(ready.json().checks.bigint.error, /cannot be written as JSON: TypeError/)
  const live = await app.inject('/health/live')
  t.equal(live.statusCode, 503, 'a critical check fails the probe with a reason, not a 500')
  t.match(live.json().checks.cycle.error, /cannot be written as JSON/)
  await app.close()
})

test('the first readiness probe runs startup and readiness checks within one deadline', async (t) => {
  const { setTimeout: sleep } = await import('node:timers/promises')
  const app = await buildApp({ deadlineMs: 400 })
  app.health.addCheck({ name: 'warm-up', check: async () => { await sleep(300); return true }, probes: ['startup'] })
  app.health.addCheck({ name: 'stuck', check: () => new Promise(() => {}) })
  await app.ready()
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  // The readiness checks only get what startup left of the 400 ms, not 400 ms of their own.
  t.equal(ready.json().checks.stuck.error, 'the probe deadline passed first')
  await app.close()
})
