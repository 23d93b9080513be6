import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import alerts from '../src/index.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
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

test('routing for some severities only: the others go to default, or nowhere, said once at registration', async (t) => {
  const pager = recorder()
  const slack = recorder()
  const warnings: unknown[] = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => { warnings.push(JSON.parse(line)) } } } })
  await app.register(metrics, { processMetrics: false, agentMetrics: false })
  await app.register(alerts, { interval: false, notifiers: { pager: pager.config, slack: slack.config }, routing: { critical: ['pager'] } })
  t.teardown(() => app.close())
  await app.ready()
  t.match(warnings, [{ severities: ['info', 'warning', 'error'], msg: /routing names no channel for info, warning, error and has no default: such alerts notify no one/ }])
  t.same(app.alerts.raise({ title: 'Page', severity: 'critical' }).channels, ['pager'])
  t.same(app.alerts.raise({ title: 'Warn', severity: 'warning' }).channels, [], 'not every channel: the pager stays quiet')
  t.same(app.alerts.raise({ title: 'Named', severity: 'warning', channels: ['slack'] }).channels, ['slack'])
  await app.alerts.flush()
  t.same(pager.sent.flat().map((n) => n.alert.name), ['Page'])
  t.same(slack.sent.flat().map((n) => n.alert.name), ['Named'])
  t.match(app.alerts.active().find((a) => a.name === 'Warn'), { state: 'firing' }, 'still listed by GET /alerts')
  t.equal(warnings.length, 1, 'said once')

  const explicit = await buildApp({ notifiers: { pager: recorder().config }, routing: { critical: ['pager'], default: [] } })
  t.teardown(() => explicit.close())
  t.same(explicit.alerts.raise({ title: 'Quiet', severity: 'info' }).channels, [], 'default: [] says nowhere on purpose')
})

test('an acknowledged alert notifies people no more: not when it fires, not as a repeat; its resolution goes to who heard it fire', async (t) => {
  const clock = new ManualClock()
  const ops = recorder()
  const app = await buildApp({ now: clock.now, notifiers: { ops: ops.config }, repeatInterval: '10m', rules: [{ kind: 'gauge', name: 'Hot', metric: 'temperature', above: 80, for: '2m' }] })
  t.teardown(() => app.close())
  const temperature = app.metrics.gauge({ name: 'temperature', help: 'Temperature.' })
  temperature.set(90)
  await app.alerts.evaluate()
  const [pending] = app.alerts.active()
  t.equal(pending?.state, 'pending')
  // Acknowledged while pending: its firing notification goes to no one.
  app.alerts.acknowledge(pending!.fingerprint, 'ana', 'known: the heater test')
  const disk = app.alerts.raise({ title: 'Disk', resolveAfter: false })
  const other = app.alerts.raise({ title: 'Other', resolveAfter: false })
  t.match(app.alerts.acknowledge(disk.fingerprint, 'ana'), { acknowledged: { by: 'ana' } })
  t.equal(app.alerts.acknowledge('0000000000000000'), undefined)
  for (let minute = 1; minute <= 12; minute++) {
    clock.advance(MINUTE)
    await app.alerts.evaluate()
  }
  t.equal(app.alerts.get(pending!.fingerprint)?.state, 'firing', 'Hot fires')
  app.alerts.resolve(disk.fingerprint)
  temperature.set(20)
  clock.advance(MINUTE)
  await app.alerts.evaluate()
  await app.alerts.flush()
  const sent = ops.sent.flat().map((n) => `${n.alert.name}:${n.status}${n.repeat ? ':repeat' : ''}`)
  t.same(sent.filter((s) => !s.startsWith('Other')), ['Disk:firing', 'Disk:resolved'],
    'Disk: its first notification (sent before the acknowledgement) and its resolution; Hot: nothing, not even its resolution (its receiver never heard it fire)')
  t.same(sent.filter((s) => s.startsWith('Other')), ['Other:firing', 'Other:firing:repeat'], 'the unacknowledged alert repeats after 10m')
  t.ok(other)
})

test('metadata JSON cannot hold as it is (a cycle, a BigInt) is kept as JSON, and the alert is notified', async (t) => {
  const ops = recorder()
  const app = await buildApp({ notifiers: { ops: ops.config } })
  t.teardown(() => app.close())
  const cyclic: Record<string, unknown> = { code: 'ECONNRESET' }
  cyclic.self = cyclic
  const alert = app.alerts.raise({ title: 'Provider', metadata: { error: cyclic, bytes: 10n, at: new Date(0), fn: () => 1, list: [1, cyclic] } })
  t.same(alert.metadata, { error: { code: 'ECONNRESET', self: '[Circular]' }, bytes: '10', at: '1970-01-01T00:00:00.000Z', list: [1, { code: 'ECONNRESET', self: '[Circular]' }] })
  t.same(alert.annotations, {
    summary: 'Provider',
    error: '{"code":"ECONNRESET","self":"[Circular]"}',
    bytes: '10',
    at: '1970-01-01T00:00:00.000Z',
    list: '[1,{"code":"ECONNRESET","self":"[Circular]"}]'
  })
  await app.alerts.flush()
  t.match(ops.sent, [[{ status: 'firing', alert: { name: 'Provider' } }]], 'notified')
  const listed = await app.inject('/alerts')
  t.equal(listed.statusCode, 200)
  t.match(listed.json().active, [{ name: 'Provider', metadata: { bytes: '10' } }])
})

test('a raise() that fails changes nothing: no alert left firing without a notification', async (t) => {
  const ops = recorder()
  const app = await buildApp({ notifiers: { ops: ops.config } })
  t.teardown(() => app.close())
  const exploding = { get detail (): never { throw new Error('getter failed') } }
  t.throws(() => app.alerts.raise({ title: 'Provider', metadata: { exploding } }), { code: 'OBS_ALERTS_INVALID_ALERT', message: /metadata cannot be read as JSON: getter failed/ })
  t.throws(() => app.alerts.raise({ title: 'Provider', channels: ['nope'] }), { code: 'OBS_ALERTS_UNKNOWN_CHANNEL' })
  t.same(app.alerts.active(), [], 'nothing raised')
  const raised = app.alerts.raise({ title: 'Provider', metadata: { ok: 1 } })
  t.equal(raised.state, 'firing')
  await app.alerts.flush()
  t.match(ops.sent, [[{ status: 'firing', alert: { name: 'Provider', annotations: { ok: '1' } } }]], 'the next raise() is a new alert, and notified')
})

test('resolving with a message: webhook, Slack and custom notifiers carry it with the resolution', async (t) => {
  const hook = await startReceiver()
  const slack = await startReceiver()
  t.teardown(() => hook.close())
  t.teardown(() => slack.close())
  const ops = recorder()
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: hook.url }, slack: { type: 'slack', url: slack.url }, ops: ops.config } })
  t.teardown(() => app.close())
  const alert = app.alerts.raise({ title: 'ProviderDown', message: 'openai answers 503', resolveAfter: false })
  t.throws(() => app.alerts.resolve(alert.fingerprint, 'x'.repeat(10_001)), { code: 'OBS_ALERTS_INVALID_ALERT' }, 'bounded')
  t.equal(app.alerts.resolve(alert.fingerprint, 'failed over to anthropic'), true)
  t.ok(await app.alerts.flush())
  const [, resolved] = await hook.waitForReceived(2)
  t.match((resolved!.json as { alerts: unknown[] }).alerts, [{ status: 'resolved', annotations: { summary: 'ProviderDown', description: 'openai answers 503', resolution: 'failed over to anthropic' } }])
  const [, slackResolved] = await slack.waitForReceived(2)
  t.match(JSON.stringify(slackResolved!.json), /Resolved: failed over to anthropic/)
  t.match(ops.sent.flat().at(-1), { status: 'resolved', alert: { annotations: { resolution: 'failed over to anthropic' } } })
  t.match(app.alerts.history()[0], { annotations: { resolution: 'failed over to anthropic' } }, 'kept in the history')
})
