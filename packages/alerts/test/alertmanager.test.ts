import { test } from 'tap'
import type { WebhookPayload } from '../src/delivery/notifiers/webhook.js'
import type { PostableAlert } from '../src/delivery/notifiers/alertmanager.js'
import { startAlertmanager } from '../../../test-support/alertmanager.js'
import { samples } from '../../../test-support/exposition.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { buildApp, ManualClock, MINUTE } from './helpers.js'

test('a real Alertmanager receives alerts from the client, lists them, keeps them on re-sends, and ends resolved ones', async (t) => {
  const hook = await startReceiver()
  t.teardown(() => hook.close())
  const am = await startAlertmanager({ webhookUrl: hook.url })
  t.teardown(() => am.stop())
  const app = await buildApp({
    externalUrl: 'https://agent.example.com',
    notifiers: { am: { type: 'alertmanager', url: am.url, resendInterval: '500ms' } },
    rules: [{ kind: 'gauge', name: 'QueueFull', metric: 'queue', above: 10, severity: 'critical', labels: { team: 'agents' }, annotations: { summary: 'Queue {{ $labels.name }} holds {{ $value }}' } }]
  })
  t.teardown(() => app.close())
  const queue = app.metrics.gauge({ name: 'queue', help: 'Queue.', labelNames: ['name'] })
  queue.set({ name: 'jobs' }, 42)
  await app.alerts.evaluate()
  const [ours] = app.alerts.active()

  const [listed] = await waitFor('the alert in Alertmanager', async () => {
    const alerts = await am.api.alerts()
    return alerts.length > 0 ? alerts : undefined
  })
  t.same(listed!.labels, { alertname: 'QueueFull', name: 'jobs', severity: 'critical', team: 'agents' })
  t.same(listed!.annotations, { summary: 'Queue jobs holds 42' })
  t.equal(listed!.fingerprint, ours!.fingerprint, 'Alertmanager computes the same fingerprint')
  t.equal(Date.parse(listed!.startsAt), Date.parse(ours!.startsAt!))
  t.equal(listed!.generatorURL, `https://agent.example.com/alerts/${ours!.fingerprint}`)
  t.equal(listed!.status.state, 'active')
  t.ok(Date.parse(listed!.endsAt) > Date.now(), 'endsAt ahead: Alertmanager keeps it while we re-send')

  const notified = await hook.waitForReceived(1)
  t.match(notified[0]!.json, { status: 'firing', alerts: [{ labels: { alertname: 'QueueFull' }, fingerprint: ours!.fingerprint }] }, 'routed by Alertmanager to its receiver')

  // Re-sends move endsAt forward, as Prometheus' do.
  const later = await waitFor('a re-send', async () => {
    const [alert] = await am.api.alerts()
    return alert !== undefined && Date.parse(alert.endsAt) > Date.parse(listed!.endsAt) ? alert : undefined
  })
  t.ok(later, 'endsAt moved forward')

  queue.set({ name: 'jobs' }, 0)
  await app.alerts.evaluate()
  t.same(app.alerts.active(), [])
  await waitFor('the alert to end in Alertmanager', async () => (await am.api.alerts({ active: true })).length === 0 ? true : undefined)
  const resolved = await waitFor('the resolved notification', async () =>
    hook.received.map((r) => r.json as WebhookPayload).find((p) => p.status === 'resolved'))
  t.match(resolved, { alerts: [{ status: 'resolved', fingerprint: ours!.fingerprint }] }, 'Alertmanager notifies the resolution')
  // Go writes fractional seconds without trailing zeros (…19.83Z for our …19.830Z): compare instants.
  t.equal(Date.parse(resolved.alerts[0]!.endsAt), Date.parse(app.alerts.history()[0]!.endsAt!), 'with our endsAt')

  // Alerts raised by code go there too.
  app.alerts.raise({ title: 'Manual', severity: 'warning', message: 'raised by code' })
  const manual = await waitFor('the raised alert', async () => (await am.api.alerts()).find((a) => a.labels.alertname === 'Manual'))
  t.same(manual.annotations, { summary: 'Manual', description: 'raised by code' })
  // The firing and resolved deliveries, the raised one, and re-sends every 500 ms: at least 3, however slow the machine.
  const sent = samples((await app.inject('/metrics')).body).get('obs_alerts_notifications_sent_total{channel="am"}') ?? 0
  t.ok(sent >= 3, `${sent} deliveries accepted by Alertmanager`)
})

test('an Alertmanager that is down gets the alerts once it is up, as the re-sends carry the state', async (t) => {
  const am = await startAlertmanager()
  const url = am.url
  await am.stop()
  const app = await buildApp({
    notifiers: { am: { type: 'alertmanager', url, resendInterval: '300ms' } },
    delivery: { backoff: '50ms', maxBackoff: '200ms', retries: 3 }
  })
  t.teardown(() => app.close())
  app.alerts.raise({ title: 'WhileDown', severity: 'critical', resolveAfter: false })
  // Down past its retries: the alert stays owed, and the re-sends carry the state too.
  await waitFor('the retries spent', async () => (samples((await app.inject('/metrics')).body).get('obs_alerts_notification_retries_total{channel="am"}') ?? 0) >= 4 ? true : undefined)
  const port = Number(new URL(url).port)
  const again = await startAlertmanager({ port })
  t.teardown(() => again.stop())
  const listed = await waitFor('the alert after the restart', async () => (await again.api.alerts()).find((a) => a.labels.alertname === 'WhileDown'))
  t.equal(listed.status.state, 'active')
})

test('re-sends carry the alert as it is now: new annotations and values, and an update by a second raise()', async (t) => {
  // An HTTP receiver standing in for Alertmanager's API: what each POST carries is what counts here.
  const am = await startReceiver()
  t.teardown(() => am.close())
  const clock = new ManualClock()
  const app = await buildApp({
    now: clock.now,
    notifiers: { am: { type: 'alertmanager', url: am.url, resendInterval: '200ms' } },
    rules: [{ kind: 'gauge', name: 'QueueFull', metric: 'queue', above: 10, annotations: { summary: 'Queue holds {{ $value }}' } }]
  })
  t.teardown(() => app.close())
  const queue = app.metrics.gauge({ name: 'queue', help: 'Queue.' })
  queue.set(42)
  await app.alerts.evaluate()
  app.alerts.raise({ title: 'Provider', message: 'openai answers 503', resolveAfter: false })
  await am.waitForReceived(2)
  // The condition goes on with another value; the code raises the same alert with news.
  queue.set(97)
  clock.advance(MINUTE)
  await app.alerts.evaluate()
  app.alerts.raise({ title: 'Provider', message: 'openai and anthropic answer 503', resolveAfter: false })
  const posted = (request: { json: unknown }): PostableAlert[] => request.json as PostableAlert[]
  const resend = await waitFor('a re-send with both updates', async () => am.received.map(posted).find((alerts) =>
    alerts.some((a) => a.annotations.summary === 'Queue holds 97') && alerts.some((a) => a.annotations.description === 'openai and anthropic answer 503')))
  t.equal(resend.length, 2, 'each alert once')
  // Resolved: the re-sends carry the resolution, with its endsAt.
  queue.set(0)
  clock.advance(MINUTE)
  await app.alerts.evaluate()
  const [ended] = app.alerts.history()
  // Any batch since: on a loaded machine the poll may come after later batches.
  const resolved = await waitFor('a re-send of the resolution', async () => am.received.flatMap(posted).find((a) => a.labels.alertname === 'QueueFull' && a.endsAt === ended!.endsAt))
  t.equal(resolved.annotations.summary, 'Queue holds 97')
})
