import { test } from 'tap'
import { startReceiver } from '../../../test-support/http-receiver.js'
import type { WebhookPayload } from '../src/delivery/notifiers/webhook.js'
import { buildApp, ManualClock, MINUTE, recorder } from './helpers.js'

test('rules added and removed after registration are checked like the others, and take effect', async (t) => {
  const clock = new ManualClock()
  const ops = recorder()
  const app = await buildApp({ now: clock.now, notifiers: { ops: ops.config }, rules: [{ kind: 'gauge', name: 'Hot', metric: 'temperature', above: 80 }] })
  t.teardown(() => app.close())
  app.metrics.gauge({ name: 'temperature', help: 'Temperature.' }).set(20)
  const jobs = app.metrics.counter({ name: 'jobs_total', help: 'Jobs.' })
  jobs.inc(1000)
  await app.alerts.evaluate()

  t.throws(() => app.alerts.addRule({ kind: 'gauge', name: 'Hot', metric: 'temperature', above: 1 }), { code: 'OBS_ALERTS_DUPLICATE_RULE' })
  t.throws(() => app.alerts.addRule({ kind: 'errorRatio', name: 'Bad', window: '5m', above: 5 }), { code: 'OBS_ALERTS_INVALID_RULE', message: /can never be crossed/ })
  t.throws(() => app.alerts.addRule({ kind: 'gauge', name: 'Routed', metric: 'temperature', above: 1, channels: ['nowhere'] }), { code: 'OBS_ALERTS_UNKNOWN_CHANNEL' })

  await app.alerts.addRule({ kind: 'rate', name: 'Busy', metric: 'jobs_total', above: 1, window: '5m' })
  await app.alerts.addRule({ kind: 'gauge', name: 'Warm', metric: 'temperature', above: 10, channels: ['ops'] })
  t.match(app.alerts.exportRules().yaml, /alert: Busy/, 'exported with the others')
  for (let i = 0; i < 3; i++) {
    clock.advance(MINUTE)
    await app.alerts.evaluate()
  }
  t.same(app.alerts.active().map((a) => a.name), ['Warm'], 'the jobs counted before the rule was added are a baseline, not a burst')
  jobs.inc(6000)
  clock.advance(MINUTE)
  await app.alerts.evaluate()
  t.same(app.alerts.active().map((a) => a.name).sort(), ['Busy', 'Warm'])

  t.equal(await app.alerts.removeRule('Warm'), true)
  t.equal(await app.alerts.removeRule('Warm'), false, 'gone')
  t.same(app.alerts.active().map((a) => a.name), ['Busy'])
  await app.alerts.flush()
  t.same(ops.sent.flat().filter((n) => n.alert.name === 'Warm').map((n) => n.status), ['firing', 'resolved'], 'a removed rule resolves its alerts')
  clock.advance(MINUTE)
  await app.alerts.evaluate()
  t.notMatch(app.alerts.exportRules().yaml, /alert: Warm/)
  // Added again after removal: its name is free.
  await app.alerts.addRule({ kind: 'gauge', name: 'Warm', metric: 'temperature', above: 10 })
})

test('notifiers added after registration are checked like the others and get alerts; removing one is refused while routing names it', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const app = await buildApp({ notifiers: { ops: recorder().config }, routing: { critical: ['ops'], default: [] } })
  t.teardown(() => app.close())
  t.throws(() => app.alerts.addNotifier('ops', { type: 'webhook', url: receiver.url }), { code: 'OBS_ALERTS_INVALID_OPTION', message: /exists/ })
  t.throws(() => app.alerts.addNotifier('hook', { type: 'webhook', url: 'ftp://nope' }), { code: 'OBS_ALERTS_INVALID_OPTION', message: /notifiers\.hook\.url/ })
  t.throws(() => app.alerts.addNotifier('bad name', { type: 'webhook', url: receiver.url }), { code: 'OBS_ALERTS_INVALID_OPTION' })
  app.alerts.addNotifier('hook', { type: 'webhook', url: receiver.url })
  const raised = app.alerts.raise({ title: 'ToHook', channels: ['hook'], resolveAfter: false })
  const [request] = await receiver.waitForReceived(1)
  t.equal((request!.json as WebhookPayload).alerts[0]!.labels.alertname, 'ToHook')
  await t.rejects(app.alerts.removeNotifier('ops'), { code: 'OBS_ALERTS_INVALID_OPTION', message: /routing\.critical names it/ })
  t.equal(await app.alerts.removeNotifier('hook'), true)
  t.equal(await app.alerts.removeNotifier('hook'), false)
  app.alerts.resolve(raised.fingerprint)
  t.ok(await app.alerts.flush())
  t.equal(receiver.received.length, 1, 'a removed channel gets nothing more')
  t.throws(() => app.alerts.raise({ title: 'Again', channels: ['hook'] }), { code: 'OBS_ALERTS_UNKNOWN_CHANNEL' })
})
