import { test } from 'tap'
import type { WebhookPayload } from '../src/delivery/notifiers/webhook.js'
import { samples } from '../../../test-support/exposition.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { buildApp, ManualClock } from './helpers.js'

// Shortened retry settings: the endpoints stay down well past the retries.
const short = { backoff: '20ms', maxBackoff: '100ms', retries: 2, timeout: '2s' }
const TITLES = ['First', 'Second', 'Third', 'Fourth', 'Fifth']

const retries = async (app: Awaited<ReturnType<typeof buildApp>>, channel: string): Promise<number> =>
  samples((await app.inject('/metrics')).body).get(`obs_alerts_notification_retries_total{channel="${channel}"}`) ?? 0

test('alerts lost in an outage: webhook and Slack endpoints down past the retries get every firing, then every resolution, once each', async (t) => {
  const hook = await startReceiver({ down: true })
  const slack = await startReceiver({ down: true })
  t.teardown(() => hook.close())
  t.teardown(() => slack.close())
  const app = await buildApp({
    notifiers: { hook: { type: 'webhook', url: hook.url }, slack: { type: 'slack', url: slack.url } },
    delivery: short
  })
  t.teardown(() => app.close())
  const raised = TITLES.map((title) => app.alerts.raise({ title, severity: 'critical', resolveAfter: false }))
  // Ten failed attempts each: the retries (2) were spent long ago.
  await waitFor('attempts past the retries', async () => (await retries(app, 'hook')) >= 10 && (await retries(app, 'slack')) >= 10 ? true : undefined)
  await hook.up()
  await slack.up()
  const firing = await hook.waitForReceived(5)
  t.same(firing.map((r) => (r.json as WebhookPayload).alerts.map((a) => `${a.labels.alertname}:${a.status}`)).flat().sort(),
    TITLES.map((title) => `${title}:firing`).sort(), 'every firing alert, once')
  t.equal((await slack.waitForReceived(5)).length, 5)
  for (const alert of raised) app.alerts.resolve(alert.fingerprint)
  t.ok(await app.alerts.flush(5000))
  const resolved = hook.received.slice(5).map((r) => (r.json as WebhookPayload).alerts.map((a) => `${a.labels.alertname}:${a.status}`)).flat()
  t.same(resolved.sort(), TITLES.map((title) => `${title}:resolved`).sort(), 'every resolution, once')
  t.equal(hook.received.length, 10, 'nothing twice')
  t.equal(slack.received.length, 10)
  t.match(slack.received[5]!.json, { text: /^\[RESOLVED\]/ })
  const metrics = samples((await app.inject('/metrics')).body)
  t.equal(metrics.get('obs_alerts_notifications_failed_total{channel="hook",reason="connection"}'), undefined, 'nothing given up')
})

test('a receiver never hears "resolved" for an alert it never heard fire', async (t) => {
  const hook = await startReceiver({ down: true })
  t.teardown(() => hook.close())
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: hook.url } }, delivery: short })
  t.teardown(() => app.close())
  const brief = app.alerts.raise({ title: 'Brief', resolveAfter: false })
  const lasting = app.alerts.raise({ title: 'Lasting', resolveAfter: false })
  await waitFor('attempts past the retries', async () => (await retries(app, 'hook')) >= 4 ? true : undefined)
  // Brief fires and resolves while the endpoint is down: its newest state replaces the firing.
  app.alerts.resolve(brief.fingerprint)
  await hook.up()
  t.ok(await app.alerts.flush(5000))
  t.same(hook.received.map((r) => (r.json as WebhookPayload).alerts.map((a) => `${a.labels.alertname}:${a.status}`)).flat(), ['Lasting:firing'])
  app.alerts.resolve(lasting.fingerprint)
  t.ok(await app.alerts.flush(5000))
  t.same(hook.received.map((r) => (r.json as WebhookPayload).alerts.map((a) => `${a.labels.alertname}:${a.status}`)).flat(), ['Lasting:firing', 'Lasting:resolved'])
})

test('notifications owed for longer than the repeat interval are given up, logged and counted', async (t) => {
  const hook = await startReceiver({ down: true })
  t.teardown(() => hook.close())
  const clock = new ManualClock()
  const errors: string[] = []
  const app = await buildApp({ now: clock.now, notifiers: { hook: { type: 'webhook', url: hook.url } }, delivery: short, repeatInterval: '1h' })
  t.teardown(() => app.close())
  app.log.error = ((_obj: unknown, msg: string) => { errors.push(msg) }) as typeof app.log.error
  app.alerts.raise({ title: 'Forgotten', resolveAfter: false })
  await waitFor('attempts past the retries', async () => (await retries(app, 'hook')) >= 3 ? true : undefined)
  clock.advance(60 * 60_000 + 1)
  await waitFor('given up', async () => samples((await app.inject('/metrics')).body).get('obs_alerts_notifications_failed_total{channel="hook",reason="connection"}'))
  t.match(errors[0], /delivery to "hook" failed \(attempt 3\): cannot reach .*; 1 notification kept owed/, 'said once when the retries are spent')
  t.match(errors.at(-1), /gave up delivering 1 notification \(Forgotten\) to "hook" after \d+ attempts: cannot reach .*; owed for longer than 3600000 ms/)
  t.equal(errors.length, 2)
})
