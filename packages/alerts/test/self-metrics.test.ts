import { test } from 'tap'
import { samples } from '../../../test-support/exposition.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { buildApp, ManualClock } from './helpers.js'

test('evaluation duration, rule errors, notifications, queues and active alerts are metrics, with the prefix', async (t) => {
  const clock = new ManualClock()
  let fail = false
  // An endpoint that refuses what it is sent: given up at once, and counted.
  const refusing = await startReceiver({ respond: () => ({ status: 400 }) })
  t.teardown(() => refusing.close())
  const app = await buildApp({
    now: clock.now,
    notifiers: {
      ok: { type: 'custom', send: () => {} },
      broken: { type: 'webhook', url: refusing.url }
    },
    routing: { critical: ['ok'], warning: ['broken'] },
    delivery: { retries: 0 },
    rules: [
      { kind: 'gauge', name: 'Hot', metric: 'temperature', above: 50, severity: 'critical' },
      { kind: 'custom', name: 'Flaky', check: () => { if (fail) throw new Error('flaky'); return false } }
    ]
  }, { prefix: 'svc_' })
  t.teardown(() => app.close())
  app.metrics.gauge({ name: 'temperature', help: 'Temperature.' }).set(90)
  await app.alerts.evaluate()
  fail = true
  await app.alerts.evaluate()
  await app.alerts.evaluate()
  app.alerts.raise({ title: 'ToBroken', severity: 'warning' })
  await app.alerts.flush()
  const m = samples((await app.inject('/metrics')).body)
  t.equal(m.get('svc_obs_alerts_evaluation_duration_seconds_count'), 3, 'three evaluations timed')
  t.equal(m.get('svc_obs_alerts_rule_errors_total{rule="Flaky"}'), 2)
  t.equal(m.get('svc_obs_alerts_notifications_sent_total{channel="ok"}'), 1)
  t.equal(m.get('svc_obs_alerts_notifications_failed_total{channel="broken",reason="rejected"}'), 1)
  t.equal(m.get('svc_obs_alerts_notification_queue_length{channel="ok"}'), 0)
  t.equal(m.get('svc_obs_alerts_active{state="firing",severity="critical"}'), 1)
  t.equal(m.get('svc_obs_alerts_active{state="firing",severity="warning"}'), 1)
  t.equal(m.get('svc_obs_alerts_active{state="pending",severity="info"}'), 0)
  t.equal(m.get('svc_obs_alerts_series_tracked'), 1)
  t.equal(m.get('svc_obs_alerts_series_over_limit_total'), 0)
})
