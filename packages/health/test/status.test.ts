import { test } from 'tap'
import { buildApp } from './helpers.js'

test('status transitions: healthy 200, degraded 200, unhealthy 503, and back', async (t) => {
  const app = await buildApp({ version: '1.2.3' })
  const state = { db: true, cache: true }
  app.health.addCheck({ name: 'db', check: () => state.db, critical: true })
  app.health.addCheck({ name: 'cache', check: () => state.cache, critical: false })
  await app.ready()

  const probe = async (): Promise<{ code: number, status: string }> => {
    const response = await app.inject('/health/ready')
    return { code: response.statusCode, status: response.json().status }
  }
  t.same(await probe(), { code: 200, status: 'healthy' })
  state.cache = false
  t.same(await probe(), { code: 200, status: 'degraded' })
  state.db = false
  t.same(await probe(), { code: 503, status: 'unhealthy' })
  state.cache = true
  t.same(await probe(), { code: 503, status: 'unhealthy' })
  state.db = true
  t.same(await probe(), { code: 200, status: 'healthy' })
  await app.close()
})

test('the body carries status, checks, timestamp, total duration, version and uptime', async (t) => {
  const app = await buildApp({ version: '1.2.3' })
  app.health.addCheck({ name: 'db', check: () => ({ details: { pool: 4 } }) })
  await app.ready()
  const response = await app.inject('/health/ready')
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(response.headers['cache-control'], 'no-store')
  const body = response.json()
  t.equal(body.status, 'healthy')
  t.equal(body.probe, 'ready')
  t.equal(body.version, '1.2.3')
  t.ok(body.uptimeSeconds >= 0)
  t.ok(Date.parse(body.timestamp) > 0)
  t.ok(body.durationMs >= 0)
  t.same(Object.keys(body.checks.db).sort(), ['critical', 'details', 'durationMs', 'status'])
  t.same(body.checks.db.details, { pool: 4 })
  await app.close()
})

test('HEAD answers every probe with the status code and no body', async (t) => {
  const app = await buildApp()
  app.health.addCheck({ name: 'db', check: () => false })
  await app.ready()
  for (const [probe, code] of [['live', 200], ['ready', 503], ['startup', 200]] as const) {
    const response = await app.inject({ method: 'HEAD', url: `/health/${probe}` })
    t.equal(response.statusCode, code, probe)
    t.equal(response.body, '')
  }
  await app.close()
})

test('application/health+json gets the IETF draft format: pass/warn/fail, checks keyed component:measurement', async (t) => {
  const app = await buildApp({ version: '2.0.0' })
  app.health.addCheck({ name: 'db', check: () => true })
  app.health.addCheck({ name: 'queue', check: () => ({ status: 'warn', measurement: 'depth', observedValue: 42, observedUnit: 'items' }), critical: false })
  app.health.addCheck({ name: 'search', check: () => { throw new Error('down') }, critical: false })
  await app.ready()
  const response = await app.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], 'application/health+json; charset=utf-8')
  const body = response.json()
  t.equal(body.status, 'warn')
  t.equal(body.version, '2.0.0')
  t.same(Object.keys(body.checks).sort(), ['db:responseTime', 'queue:depth', 'search:responseTime'])
  t.match(body.checks['db:responseTime'][0], { componentId: 'db', status: 'pass', observedUnit: 'ms' })
  t.match(body.checks['queue:depth'][0], { status: 'warn', observedValue: 42, observedUnit: 'items' })
  t.match(body.checks['search:responseTime'][0], { status: 'fail', output: 'Error: down' })
  t.ok(Date.parse(body.checks['db:responseTime'][0].time) > 0)

  app.health.addCheck({ name: 'critical-down', check: () => false })
  const failing = await app.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })
  t.equal(failing.statusCode, 503)
  t.equal(failing.json().status, 'fail')
  await app.close()
})

test('details can be hidden, always or per request; a throwing decider hides them', async (t) => {
  const never = await buildApp({ exposeDetails: 'never' })
  never.health.addCheck({ name: 'db', check: () => { throw new Error('password=hunter2 in connection string') } })
  await never.ready()
  const hidden = await never.inject('/health/ready')
  t.equal(hidden.statusCode, 503)
  t.same(hidden.json(), { status: 'unhealthy' })
  t.notMatch(hidden.body, /hunter2/)
  t.same((await never.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })).json(), { status: 'fail' })
  await never.close()

  const internal = await buildApp({ exposeDetails: (request) => request.headers['x-internal'] === '1' || (request.headers['x-boom'] === '1' && JSON.parse('{') === 1) })
  internal.health.addCheck({ name: 'db', check: () => true })
  await internal.ready()
  t.ok((await internal.inject({ url: '/health/ready', headers: { 'x-internal': '1' } })).json().checks)
  t.same((await internal.inject('/health/ready')).json(), { status: 'healthy' })
  t.same((await internal.inject({ url: '/health/ready', headers: { 'x-boom': '1' } })).json(), { status: 'healthy' })
  await internal.close()
})

test('the prefix is configurable', async (t) => {
  const app = await buildApp({ prefix: '/_internal/probes' })
  await app.ready()
  t.equal((await app.inject('/_internal/probes/live')).statusCode, 200)
  t.equal((await app.inject('/health/live')).statusCode, 404)
  await app.close()
})

test('one component: GET /health/ready/:check answers for that check alone, as check_health(component) does', async (t) => {
  const app = await buildApp()
  const state = { db: true }
  app.health.addCheck({ name: 'db', check: () => state.db ? { details: { pool: 4 } } : false })
  app.health.addCheck({ name: 'cache', check: () => false, critical: false })
  app.health.addCheck({ name: 'queue', check: () => ({ status: 'warn' }) })
  await app.ready()

  const db = await app.inject('/health/ready/db')
  t.equal(db.statusCode, 200)
  t.same(Object.keys(db.json().checks), ['db'], 'only that check')
  t.equal(db.json().status, 'healthy')
  t.same(db.json().checks.db.details, { pool: 4 })
  t.equal((await app.inject('/health/ready/queue')).json().status, 'degraded')
  const cache = await app.inject('/health/ready/cache')
  t.equal(cache.statusCode, 503, 'a failing component is unhealthy, critical to its probe or not')
  t.equal(cache.json().status, 'unhealthy')
  state.db = false
  t.equal((await app.inject('/health/ready/db')).statusCode, 503)
  t.equal((await app.inject('/health/live/event-loop')).statusCode, 200, 'any probe, any of its checks')

  const unknown = await app.inject('/health/ready/nope')
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'OBS_HEALTH_UNKNOWN_CHECK')
  t.equal((await app.inject('/health/live/db')).statusCode, 404, 'db is not a liveness check')
  t.equal((await app.health.probe('ready', 'db')).status, 'unhealthy')
  await t.rejects(app.health.probe('ready', 'nope'), { code: 'OBS_HEALTH_UNKNOWN_CHECK' })
  await app.close()
})

test('a plain GET /health answers as readiness, for load balancers; alias: false removes it', async (t) => {
  const app = await buildApp()
  const state = { db: true }
  app.health.addCheck({ name: 'db', check: () => state.db })
  await app.ready()
  const healthy = await app.inject('/health')
  t.equal(healthy.statusCode, 200)
  t.equal(healthy.json().probe, 'ready')
  state.db = false
  t.equal((await app.inject('/health')).statusCode, 503)
  t.equal((await app.inject({ method: 'HEAD', url: '/health' })).statusCode, 503)
  await app.close()

  const without = await buildApp({ alias: false })
  t.equal((await without.inject('/health')).statusCode, 404)
  await without.close()
  const unprefixed = await buildApp({ prefix: '' })
  unprefixed.get('/', async () => 'the app')
  t.equal((await unprefixed.inject('/')).body, 'the app', 'with no prefix there is no alias: / is the app’s')
  t.equal((await unprefixed.inject('/ready')).statusCode, 200)
  await unprefixed.close()
})
