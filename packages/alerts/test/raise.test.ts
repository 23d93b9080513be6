import { test } from 'tap'
import { buildApp, ManualClock, MINUTE, recorder } from './helpers.js'

test('alerts raised by code: title, message, severity, metadata; notified once, deduplicated', async (t) => {
  const clock = new ManualClock()
  const ops = recorder()
  const app = await buildApp({ now: clock.now, notifiers: { ops: ops.config } })
  t.teardown(() => app.close())
  const alert = app.alerts.raise({
    title: 'LLM provider down',
    message: 'openai answered 503 three times',
    severity: 'critical',
    metadata: { provider: 'openai', attempts: 3, detail: { region: 'eu' } },
    labels: { component: 'llm' }
  })
  t.match(alert, {
    name: 'LLM provider down',
    state: 'firing',
    source: 'code',
    severity: 'critical',
    labels: { alertname: 'LLM provider down', severity: 'critical', component: 'llm' },
    annotations: { summary: 'LLM provider down', description: 'openai answered 503 three times', provider: 'openai', attempts: '3', detail: '{"region":"eu"}' },
    metadata: { provider: 'openai', attempts: 3, detail: { region: 'eu' } },
    value: null,
    startsAt: new Date(clock.time).toISOString()
  })
  const again = app.alerts.raise({ title: 'LLM provider down', message: 'still down', severity: 'critical', labels: { component: 'llm' } })
  t.equal(again.fingerprint, alert.fingerprint, 'the same title and labels are the same alert')
  t.equal(again.annotations.description, 'still down', 'updated')
  await app.alerts.flush()
  t.equal(ops.sent.length, 1, 'notified once')
  t.equal(app.alerts.active().length, 1)
  t.ok(app.alerts.resolve(alert.fingerprint))
  t.notOk(app.alerts.resolve(alert.fingerprint), 'already resolved')
  await app.alerts.flush()
  t.match(ops.sent[1], [{ status: 'resolved', alert: { state: 'resolved', endsAt: String } }])
  t.match(app.alerts.history(), [{ name: 'LLM provider down', source: 'code' }])
})

test('raised alerts resolve by themselves after resolveRaisedAfter, unless raised again', async (t) => {
  const clock = new ManualClock()
  const app = await buildApp({ now: clock.now, resolveRaisedAfter: '10m' })
  t.teardown(() => app.close())
  app.alerts.raise({ title: 'Short', resolveAfter: '2m' })
  app.alerts.raise({ title: 'Sticky', resolveAfter: false })
  app.alerts.raise({ title: 'Default' })
  clock.advance(3 * MINUTE)
  await app.alerts.evaluate()
  t.same(app.alerts.active().map((a) => a.name).sort(), ['Default', 'Sticky'])
  clock.advance(5 * MINUTE)
  app.alerts.raise({ title: 'Default' })
  clock.advance(5 * MINUTE)
  await app.alerts.evaluate()
  t.same(app.alerts.active().map((a) => a.name).sort(), ['Default', 'Sticky'], 'raising again restarts the 10 minutes')
  clock.advance(6 * MINUTE)
  await app.alerts.evaluate()
  t.same(app.alerts.active().map((a) => a.name), ['Sticky'])
})

test('bad raised alerts are coded errors', async (t) => {
  const app = await buildApp({ notifiers: { a: { type: 'custom', send: () => {} } } })
  t.teardown(() => app.close())
  const bad: unknown[] = [
    null, {}, { title: '' }, { title: 'x', severity: 'page' }, { title: 'x', message: 5 }, { title: 'x', labels: { alertname: 'y' } },
    { title: 'x', labels: { ok: 1 } }, { title: 'x', metadata: 'y' }, { title: 'x', resolveAfter: 'soon' }, { title: 'x', resolveAfter: 0 },
    { title: 'x', channels: 'a' }
  ]
  for (const alert of bad) t.throws(() => app.alerts.raise(alert as never), { code: 'OBS_ALERTS_INVALID_ALERT' }, JSON.stringify(alert))
  t.throws(() => app.alerts.raise({ title: 'x', channels: ['nope'] }), { code: 'OBS_ALERTS_UNKNOWN_CHANNEL' })
})

test('routing: a rule or raise() names its channels, else by severity, else default, else all', async (t) => {
  const channels = { pager: recorder(), slack: recorder(), audit: recorder() }
  const app = await buildApp({
    notifiers: { pager: channels.pager.config, slack: channels.slack.config, audit: channels.audit.config },
    routing: { critical: ['pager', 'slack'], default: ['slack'] }
  })
  t.teardown(() => app.close())
  t.same(app.alerts.raise({ title: 'A', severity: 'critical' }).channels, ['pager', 'slack'])
  t.same(app.alerts.raise({ title: 'B', severity: 'info' }).channels, ['slack'])
  t.same(app.alerts.raise({ title: 'C', severity: 'critical', channels: ['audit'] }).channels, ['audit'])
  await app.alerts.flush()
  t.same(channels.pager.sent.flat().map((n) => n.alert.name), ['A'])
  t.same(channels.slack.sent.flat().map((n) => n.alert.name), ['A', 'B'])
  t.same(channels.audit.sent.flat().map((n) => n.alert.name), ['C'])

  const all = await buildApp({ notifiers: { one: recorder().config, two: recorder().config } })
  t.teardown(() => all.close())
  t.same(all.alerts.raise({ title: 'X' }).channels, ['one', 'two'], 'no routing: every channel')
})

test('an acknowledged alert stops notifying people, but its resolution is still sent', async (t) => {
  const ops = recorder()
  const app = await buildApp({ notifiers: { ops: ops.config } })
  t.teardown(() => app.close())
  const alert = app.alerts.raise({ title: 'Disk', resolveAfter: false })
  t.match(app.alerts.acknowledge(alert.fingerprint, 'ana'), { acknowledged: { by: 'ana' } })
  t.equal(app.alerts.acknowledge('0000000000000000'), undefined)
  app.alerts.resolve(alert.fingerprint)
  await app.alerts.flush()
  t.same(ops.sent.flat().map((n) => n.status), ['firing', 'resolved'])
})
