import { test } from 'tap'
import { buildApp, ManualClock, MINUTE } from './helpers.js'

async function appWithAlerts (options = {}): Promise<Awaited<ReturnType<typeof buildApp>> & { clock: ManualClock }> {
  const clock = new ManualClock()
  const app = await buildApp({
    now: clock.now,
    rules: [
      { kind: 'gauge', name: 'QueueFull', metric: 'queue', above: 10, severity: 'critical' },
      { kind: 'gauge', name: 'QueueBusy', metric: 'queue', above: 5, for: '5m' }
    ],
    ...options
  })
  app.metrics.gauge({ name: 'queue', help: 'Queue.', labelNames: ['name'] }).set({ name: 'jobs' }, 50)
  await app.alerts.evaluate()
  return Object.assign(app, { clock })
}

test('GET /alerts lists active alerts (firing first) and the history, newest first', async (t) => {
  const app = await appWithAlerts()
  t.teardown(() => app.close())
  let res = await app.inject('/alerts')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.match(body.active, [
    { name: 'QueueFull', state: 'firing', severity: 'critical', source: 'rule', labels: { name: 'jobs', alertname: 'QueueFull', severity: 'critical' }, value: 50, startsAt: String, endsAt: null, acknowledged: null },
    { name: 'QueueBusy', state: 'pending', startsAt: null }
  ])
  t.same(body.history, [])
  t.same((await app.inject('/alerts?state=pending')).json().active.map((a: { name: string }) => a.name), ['QueueBusy'])
  t.same((await app.inject('/alerts?severity=critical')).json().active.map((a: { name: string }) => a.name), ['QueueFull'])
  t.equal((await app.inject('/alerts?state=resolved')).statusCode, 400, 'bad filters are rejected by the schema')
  t.equal((await app.inject('/alerts?limit=-1')).statusCode, 400)

  const gauge = app.metrics.registry.getSingleMetric('queue') as unknown as { set: (l: object, v: number) => void }
  gauge.set({ name: 'jobs' }, 0)
  app.clock.advance(MINUTE)
  await app.alerts.evaluate()
  res = await app.inject('/alerts')
  t.same(res.json().active, [])
  t.match(res.json().history, [{ name: 'QueueFull', state: 'resolved', endsAt: new Date(app.clock.time).toISOString() }], 'the pending one never fired, so only QueueFull is history')
  t.same((await app.inject('/alerts?limit=0')).json().history, [])
})

test('GET /alerts/:fingerprint finds active and resolved alerts; unknown ones are 404 with a code', async (t) => {
  const app = await appWithAlerts()
  t.teardown(() => app.close())
  const [firing] = app.alerts.active()
  const res = await app.inject(`/alerts/${firing!.fingerprint}`)
  t.equal(res.statusCode, 200)
  t.equal(res.json().name, 'QueueFull')
  t.equal(firing!.generatorURL, `/alerts/${firing!.fingerprint}`, 'the generatorURL points here')
  const missing = await app.inject('/alerts/0000000000000000')
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'OBS_ALERTS_NOT_FOUND')
  t.equal((await app.inject('/alerts/not-a-fingerprint')).statusCode, 400)
})

test('POST /alerts/:fingerprint/ack acknowledges, and can be protected on its own', async (t) => {
  const app = await appWithAlerts({ ackAuth: { bearerToken: 's3cret' } })
  t.teardown(() => app.close())
  const [firing] = app.alerts.active()
  const url = `/alerts/${firing!.fingerprint}/ack`
  t.equal((await app.inject('/alerts')).statusCode, 200, 'listing stays open')
  const denied = await app.inject({ method: 'POST', url, payload: { by: 'mallory' } })
  t.equal(denied.statusCode, 401)
  t.equal(denied.json().code, 'OBS_ALERTS_UNAUTHORIZED')
  t.equal(denied.headers['www-authenticate'], 'Bearer realm="alerts"')
  t.equal((await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer wrong' } })).statusCode, 401)
  const ok = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer s3cret' }, payload: { by: 'ana', comment: 'on it' } })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { fingerprint: firing!.fingerprint, acknowledged: { by: 'ana', comment: 'on it', at: new Date(app.clock.time).toISOString() } })
  t.match(app.alerts.get(firing!.fingerprint), { acknowledged: { by: 'ana' } })
  const noBody = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer s3cret' } })
  t.equal(noBody.statusCode, 200, 'the body is optional')
  t.equal(noBody.json().acknowledged.by, 'anonymous')
  const bad = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer s3cret' }, payload: { by: 'x'.repeat(201) } })
  t.equal(bad.statusCode, 400, 'the body is checked by the schema')
  const unknown = await app.inject({ method: 'POST', url: '/alerts/0123456789abcdef/ack', headers: { authorization: 'Bearer s3cret' } })
  t.equal(unknown.statusCode, 404)
})

test('auth protects every route; a function decides per request, and denies when it throws', async (t) => {
  const app = await appWithAlerts({
    auth: (request: { headers: Record<string, unknown> }) => {
      if (request.headers['x-explode'] !== undefined) throw new Error('boom')
      return request.headers['x-internal'] === '1'
    }
  })
  t.teardown(() => app.close())
  t.equal((await app.inject('/alerts')).statusCode, 401)
  t.equal((await app.inject({ url: '/alerts', headers: { 'x-internal': '1' } })).statusCode, 200)
  t.equal((await app.inject({ url: '/alerts', headers: { 'x-internal': '1', 'x-explode': '1' } })).statusCode, 401)
  const [firing] = app.alerts.active()
  t.equal((await app.inject({ method: 'POST', url: `/alerts/${firing!.fingerprint}/ack` })).statusCode, 401, 'ackAuth defaults to auth')
})

test('open acknowledgement: without ackAuth or auth, POST /alerts/:fingerprint/ack is refused unless opened on purpose', async (t) => {
  const closed = await appWithAlerts()
  t.teardown(() => closed.close())
  const [firing] = closed.alerts.active()
  const refused = await closed.inject({ method: 'POST', url: `/alerts/${firing!.fingerprint}/ack`, payload: { by: 'anyone' } })
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { code: 'OBS_ALERTS_ACK_NOT_ALLOWED', message: /needs ackAuth \(or auth\)/ })
  t.equal(closed.alerts.get(firing!.fingerprint)?.acknowledged, null, 'nothing silenced')
  t.equal((await closed.inject('/alerts')).statusCode, 200, 'reading needs no auth')
  t.match(closed.alerts.acknowledge(firing!.fingerprint, 'code'), { acknowledged: { by: 'code' } }, 'code may acknowledge')
  const open = await appWithAlerts({ ackAuth: 'open' })
  t.teardown(() => open.close())
  const [other] = open.alerts.active()
  const ok = await open.inject({ method: 'POST', url: `/alerts/${other!.fingerprint}/ack`, payload: { by: 'anyone' } })
  t.equal(ok.statusCode, 200, "ackAuth: 'open' lets anyone acknowledge")
})

test('path moves the routes; false leaves them out', async (t) => {
  const moved = await appWithAlerts({ path: '/ops/alerts', externalUrl: 'https://agent.example.com/' })
  t.teardown(() => moved.close())
  t.equal((await moved.inject('/ops/alerts')).statusCode, 200)
  t.equal((await moved.inject('/alerts')).statusCode, 404)
  t.match(moved.alerts.active()[0]!.generatorURL, /^https:\/\/agent\.example\.com\/ops\/alerts\/[0-9a-f]{16}$/)
  const none = await appWithAlerts({ path: false })
  t.teardown(() => none.close())
  t.equal((await none.inject('/alerts')).statusCode, 404)
  t.equal(none.alerts.active()[0]!.generatorURL, '')
})

test('the alert routes are not measured by @obs/metrics', async (t) => {
  const app = await appWithAlerts()
  t.teardown(() => app.close())
  await app.inject('/alerts')
  const body = (await app.inject('/metrics')).body
  t.notMatch(body, /route="\/alerts/)
})

test('the history keeps the last historySize resolved alerts', async (t) => {
  const clock = new ManualClock()
  const app = await buildApp({ now: clock.now, historySize: 3 })
  t.teardown(() => app.close())
  for (let i = 0; i < 5; i++) {
    const alert = app.alerts.raise({ title: `Event${i}` })
    app.alerts.resolve(alert.fingerprint)
  }
  t.same(app.alerts.history().map((a) => a.name), ['Event4', 'Event3', 'Event2'])
  t.same(app.alerts.history(1).map((a) => a.name), ['Event4'])
})

test('GET /alerts?severity=…&limit=… filters the history before it counts: limit is the entries returned', async (t) => {
  const clock = new ManualClock()
  const app = await buildApp({ now: clock.now })
  t.teardown(() => app.close())
  for (const [title, severity] of [['Crit1', 'critical'], ['Crit2', 'critical'], ['Warn1', 'warning'], ['Warn2', 'warning'], ['Warn3', 'warning']] as const) {
    clock.advance(MINUTE)
    app.alerts.resolve(app.alerts.raise({ title, severity }).fingerprint)
  }
  const history = async (query: string): Promise<string[]> => (await app.inject(`/alerts?${query}`)).json().history.map((a: { name: string }) => a.name)
  t.same(await history('severity=critical&limit=1'), ['Crit2'], 'the newest critical one, though three warnings are newer')
  t.same(await history('severity=critical&limit=5'), ['Crit2', 'Crit1'])
  t.same(await history('limit=2'), ['Warn3', 'Warn2'])
})
