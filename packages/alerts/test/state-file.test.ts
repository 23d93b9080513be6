import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type Test } from 'tap'
import { samples } from '../../../test-support/exposition.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import type { WebhookPayload } from '../src/delivery/notifiers/webhook.js'
import { buildApp, ManualClock, MINUTE } from './helpers.js'

async function statePath (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'obs-alerts-state-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'state', 'alerts.json')
}

const statuses = (received: ReadonlyArray<{ json: unknown }>): string[] =>
  received.flatMap((r) => (r.json as WebhookPayload).alerts.map((a) => `${a.labels.alertname}:${a.status}:${a.startsAt}`))

test('restart while alerts fire: with a state file, receivers hear "resolved" for what fired before, and are not paged again', async (t) => {
  const stateFile = await statePath(t)
  const hook = await startReceiver()
  t.teardown(() => hook.close())
  const clock = new ManualClock()
  const options = { now: clock.now, stateFile, notifiers: { hook: { type: 'webhook' as const, url: hook.url } }, rules: [{ kind: 'gauge' as const, name: 'Hot', metric: 'temperature', above: 80 }] }
  const first = await buildApp(options)
  first.metrics.gauge({ name: 'temperature', help: 'Temperature.' }).set(90)
  await first.alerts.evaluate()
  const [firing] = await hook.waitForReceived(1)
  await first.close()
  t.equal((await stat(stateFile)).mode & 0o777, 0o600, 'only the owner reads it')

  const second = await buildApp(options)
  t.teardown(() => second.close())
  const temperature = second.metrics.gauge({ name: 'temperature', help: 'Temperature.' })
  temperature.set(95)
  clock.advance(MINUTE)
  await second.alerts.evaluate()
  t.match(second.alerts.active(), [{ name: 'Hot', state: 'firing', startsAt: new Date(clock.time - MINUTE).toISOString() }], 'the same alert, firing since before the restart')
  temperature.set(20)
  clock.advance(MINUTE)
  await second.alerts.evaluate()
  t.ok(await second.alerts.flush())
  const startsAt = (firing!.json as WebhookPayload).alerts[0]!.startsAt
  t.same(statuses(hook.received), [`Hot:firing:${startsAt}`, `Hot:resolved:${startsAt}`], 'one firing, then its resolution')
})

test('notifications still owed at a restart are delivered by the next start', async (t) => {
  const stateFile = await statePath(t)
  const hook = await startReceiver({ down: true })
  t.teardown(() => hook.close())
  const options = { stateFile, notifiers: { hook: { type: 'webhook' as const, url: hook.url } }, delivery: { backoff: '20ms', maxBackoff: '100ms' }, drainTimeout: '100ms' }
  const first = await buildApp(options)
  const raised = first.alerts.raise({ title: 'WhileDown', resolveAfter: false })
  await waitFor('a failed attempt', async () => (samples((await first.inject('/metrics')).body).get('obs_alerts_notification_retries_total{channel="hook"}') ?? 0) >= 2 ? true : undefined)
  await first.close()
  t.equal(samples(await first.metrics.registry.metrics()).get('obs_alerts_notifications_failed_total{channel="hook",reason="shutdown"}'), undefined, 'kept, not given up')

  await hook.up()
  const second = await buildApp(options)
  t.teardown(() => second.close())
  const [request] = await hook.waitForReceived(1)
  t.match((request!.json as WebhookPayload).alerts, [{ status: 'firing', labels: { alertname: 'WhileDown' } }])
  t.equal(second.alerts.resolve(raised.fingerprint, 'fixed'), true, 'the raised alert came back too')
  t.ok(await second.alerts.flush())
  t.match((hook.received[1]!.json as WebhookPayload).alerts, [{ status: 'resolved', annotations: { resolution: 'fixed' } }])
})

test('a state file that cannot be read is logged, and the app starts without it', async (t) => {
  const stateFile = await statePath(t)
  const dir = join(stateFile, '..')
  await rm(dir, { recursive: true, force: true })
  await import('node:fs/promises').then(({ mkdir }) => mkdir(dir, { recursive: true }))
  await writeFile(stateFile, '{ not json')
  const app = await buildApp({ stateFile })
  t.teardown(() => app.close())
  t.same(app.alerts.active(), [])
  await t.rejects(buildApp({ stateFile: '' }), { code: 'OBS_ALERTS_INVALID_OPTION' })
})
