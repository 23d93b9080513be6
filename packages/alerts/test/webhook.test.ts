import { test } from 'tap'
import type { WebhookPayload } from '../src/delivery/notifiers/webhook.js'
import { samples } from '../../../test-support/exposition.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { buildApp } from './helpers.js'

const fast = { backoff: '20ms', maxBackoff: '100ms', retries: 1000, timeout: '2s' }

test('a webhook receiver that is down and then back gets every alert, in order, in the Alertmanager v4 shape', async (t) => {
  const receiver = await startReceiver({ down: true })
  t.teardown(() => receiver.close())
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: `${receiver.url}/alerts`, headers: { authorization: 'Bearer hook-secret' } } }, delivery: fast, externalUrl: 'https://agent.example.com' })
  t.teardown(() => app.close())
  const raised = ['First', 'Second', 'Third', 'Fourth', 'Fifth'].map((title) => app.alerts.raise({ title, severity: 'error', resolveAfter: false }))
  // Let it fail a few times: the retries counter moves while the endpoint refuses connections.
  await waitFor('retries', async () => (samples((await app.inject('/metrics')).body).get('obs_alerts_notification_retries_total{channel="hook"}') ?? 0) >= 3 ? true : undefined)
  await receiver.up()
  const received = await receiver.waitForReceived(5)
  t.same(received.map((r) => (r.json as WebhookPayload).alerts[0]!.labels.alertname), ['First', 'Second', 'Third', 'Fourth', 'Fifth'], 'every alert, in order')
  t.equal(received[0]!.headers.authorization, 'Bearer hook-secret')
  t.equal(received[0]!.headers['content-type'], 'application/json')
  t.same(received[0]!.json, {
    version: '4',
    groupKey: '{}:{alertname="First"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'hook',
    groupLabels: { alertname: 'First' },
    commonLabels: { alertname: 'First', severity: 'error' },
    commonAnnotations: { summary: 'First' },
    externalURL: 'https://agent.example.com',
    alerts: [{
      status: 'firing',
      labels: { alertname: 'First', severity: 'error' },
      annotations: { summary: 'First' },
      startsAt: raised[0]!.startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `https://agent.example.com/alerts/${raised[0]!.fingerprint}`,
      fingerprint: raised[0]!.fingerprint,
      idempotencyKey: `${raised[0]!.fingerprint}:firing:${raised[0]!.startsAt}`
    }]
  })
  app.alerts.resolve(raised[0]!.fingerprint)
  const [, , , , , resolved] = await receiver.waitForReceived(6)
  t.match(resolved!.json, { status: 'resolved', alerts: [{ status: 'resolved', endsAt: app.alerts.history()[0]!.endsAt }] })
  const metrics = (await app.inject('/metrics')).body
  t.match(metrics, /obs_alerts_notifications_sent_total\{channel="hook"\} 6/)
  t.notMatch(metrics, /obs_alerts_notifications_failed_total\{channel="hook"/, 'nothing was given up')
})

test('duplicates at slow endpoints: every retry carries the same idempotency key, in a header and in the body', async (t) => {
  let slow = 2
  // Answers after the attempt's time limit twice (the notification arrived, the answer did not), then at once.
  const receiver = await startReceiver({ respond: async () => slow-- > 0 ? await new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 300)) : { status: 200 } })
  t.teardown(() => receiver.close())
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: receiver.url } }, delivery: { ...fast, timeout: '100ms' } })
  t.teardown(() => app.close())
  const alert = app.alerts.raise({ title: 'SlowReceiver', resolveAfter: false })
  t.ok(await app.alerts.flush(5000))
  const key = `${alert.fingerprint}:firing:${alert.startsAt}`
  t.equal(receiver.all.length, 3, 'the receiver got three copies')
  t.same(receiver.all.map((r) => r.headers['idempotency-key']), [key, key, key], 'one key in the header')
  t.same(receiver.all.map((r) => (r.json as WebhookPayload).alerts[0]!.idempotencyKey), [key, key, key], 'and in the body')
  app.alerts.resolve(alert.fingerprint)
  t.ok(await app.alerts.flush(5000))
  t.equal(receiver.all.at(-1)!.headers['idempotency-key'], `${alert.fingerprint}:resolved:${alert.startsAt}`, 'the resolution has its own key')
})

test('5xx answers are retried; a 4xx is not, and is logged with the status and body', async (t) => {
  let answers = [503, 500, 200]
  const receiver = await startReceiver({ respond: () => ({ status: answers.shift() ?? 400, body: 'nope' }) })
  t.teardown(() => receiver.close())
  const errors: string[] = []
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: receiver.url } }, delivery: fast })
  t.teardown(() => app.close())
  app.log.error = ((_obj: unknown, msg: string) => { errors.push(msg) }) as typeof app.log.error
  app.alerts.raise({ title: 'Flaky' })
  await receiver.waitForReceived(1)
  t.equal(receiver.all.length, 3, 'two retries')
  answers = []
  app.alerts.raise({ title: 'Rejected' })
  await app.alerts.flush()
  t.equal(receiver.all.length, 4, 'a 400 is not retried')
  t.match(errors, [/gave up delivering 1 notification \(Rejected\) to "hook" after 1 attempt: http:\/\/127\.0\.0\.1:\d+\/ answered 400: nope/])
  t.match((await app.inject('/metrics')).body, /obs_alerts_notifications_failed_total\{channel="hook",reason="rejected"\} 1/)
})

test('a webhook that hangs never blocks request handling (a real server, real requests)', async (t) => {
  let release = (): void => {}
  const receiver = await startReceiver({ respond: () => new Promise((resolve) => { release = () => resolve({ status: 200 }) }) })
  t.teardown(async () => {
    release()
    await receiver.close()
  })
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: receiver.url } }, delivery: { timeout: '30s', retries: 0 } })
  t.teardown(() => app.close())
  app.get('/ping', async () => 'pong')
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  app.alerts.raise({ title: 'Hangs' })
  await waitFor('the webhook request to arrive and hang', async () => receiver.all.length === 1 ? true : undefined, 5000, 10)
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${address}/ping`)
    t.equal(await response.text(), 'pong', `request ${i} served while the delivery hangs`)
  }
  const metrics = samples(await (await fetch(`${address}/metrics`)).text())
  t.equal(metrics.get('obs_alerts_notification_queue_length{channel="hook"}'), 1, 'the delivery is still in flight')
  t.equal(metrics.get('obs_alerts_notifications_sent_total{channel="hook"}'), undefined)
  release()
  t.ok(await app.alerts.flush(5000))
  t.equal(samples((await app.inject('/metrics')).body).get('obs_alerts_notifications_sent_total{channel="hook"}'), 1, 'delivered once the receiver answers')
})

test('closing the app during a webhook send aborts it: counted once, as shutdown, never as a timeout later', async (t) => {
  const receiver = await startReceiver({ respond: () => new Promise(() => {}) })
  t.teardown(() => receiver.close())
  const errors: string[] = []
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: receiver.url } }, delivery: { timeout: '2s', retries: 0 }, drainTimeout: '100ms' })
  app.log.error = ((_obj: unknown, msg: string) => { errors.push(msg) }) as typeof app.log.error
  app.alerts.raise({ title: 'InFlight' })
  const sent = Date.now()
  await waitFor('the webhook request to arrive', async () => receiver.all.length === 1 ? true : undefined, 5000, 10)
  await app.close()
  t.ok(Date.now() - sent < 1900, `closed ${Date.now() - sent} ms after the send: after the drain timeout, not the attempt's 2 s`)
  // Past the attempt's time limit: the old behaviour logged and counted a timeout here.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, sent + 2300 - Date.now())))
  const metrics = samples(await app.metrics.registry.metrics())
  t.equal(metrics.get('obs_alerts_notifications_failed_total{channel="hook",reason="shutdown"}'), 1)
  t.equal(metrics.get('obs_alerts_notifications_failed_total{channel="hook",reason="timeout"}'), undefined, 'no timeout counted after the shutdown')
  t.match(errors, [/gave up delivering 1 notification \(InFlight\) to "hook" after 1 attempt: the plugin closed while it was being sent/])
  t.equal(errors.length, 1, 'one log line')
})

test('text that is not ASCII arrives intact, however the body is split', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: receiver.url } } })
  t.teardown(() => app.close())
  // Several hundred kB of two- to four-byte characters only: the body arrives in many chunks,
  // and chunks end inside characters.
  const message = '日本語ü🔥'.repeat(25_000)
  app.alerts.raise({ title: 'Ünïcode ✓', message })
  const [request] = await receiver.waitForReceived(1)
  t.ok(Buffer.byteLength(request!.text) > 700_000)
  t.equal((request!.json as WebhookPayload).alerts[0]!.annotations.description, message)
  t.equal((request!.json as WebhookPayload).alerts[0]!.labels.alertname, 'Ünïcode ✓')
})
