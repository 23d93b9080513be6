import { test } from 'tap'
import { buildApp, ManualClock, MINUTE, recorder } from './helpers.js'
import { waitFor } from '../../../test-support/wait-for.js'

test('requests measured by @obs/metrics fire an error-ratio alert, evaluated on a controllable clock', async (t) => {
  const clock = new ManualClock()
  const pager = recorder()
  const app = await buildApp({
    now: clock.now,
    notifiers: { pager: pager.config },
    rules: [{ kind: 'errorRatio', name: 'HighErrorRate', above: 0.2, window: '5m', by: ['route'], severity: 'critical', minEvents: 10 }]
  })
  t.teardown(() => app.close())
  app.get('/ok', async () => 'ok')
  app.get('/fails', async () => { throw new Error('boom') })
  await app.ready()
  await app.alerts.evaluate()
  for (let minute = 1; minute <= 3; minute++) {
    for (let i = 0; i < 10; i++) await app.inject('/ok')
    for (let i = 0; i < 5; i++) await app.inject('/fails')
    clock.advance(MINUTE)
    await app.alerts.evaluate()
  }
  const [alert] = app.alerts.active()
  t.match(alert, { name: 'HighErrorRate', state: 'firing', labels: { route: '/fails', severity: 'critical' } }, 'the failing route fires; /ok has no errors')
  t.equal(app.alerts.active().length, 1)
  await app.alerts.flush()
  t.match(pager.sent, [[{ status: 'firing', alert: { name: 'HighErrorRate' } }]], 'routed to the only channel')
  t.match(app.alerts.stats(), { series: 3, overLimit: 0, groups: 3 }, 'errors by route (/fails) and totals by route (/ok, /fails); the minEvents increase reads the totals source too')
})

test('rules respect the @obs/metrics prefix, found in the registry or given', async (t) => {
  const app = await buildApp({ rules: [{ kind: 'gauge', name: 'Busy', metric: 'workers_busy', above: 3 }] }, { prefix: 'svc_' })
  t.teardown(() => app.close())
  t.equal(app.alerts.metricsPrefix, 'svc_')
  app.metrics.gauge({ name: 'workers_busy', help: 'Busy workers.' }).set(5)
  await app.alerts.evaluate()
  t.equal(app.alerts.active().length, 1, 'reads svc_workers_busy')
  t.match(app.alerts.exportRules().yaml, /expr: svc_workers_busy > 3/, 'and exports with the prefix')
  t.match(app.alerts.exportRules({ prefix: 'other_' }).yaml, /expr: other_workers_busy > 3/)

  const given = await buildApp({ metricsPrefix: 'x_', rules: [] }, { prefix: 'svc_' })
  t.teardown(() => given.close())
  t.equal(given.alerts.metricsPrefix, 'x_', 'an explicit metricsPrefix wins')
})

test('the interval evaluates on its own once the app is ready, and stops on close', async (t) => {
  let checks = 0
  const app = await buildApp({ interval: '100ms', rules: [{ kind: 'custom', name: 'Counted', check: () => { checks++; return true } }] })
  t.equal(checks, 0, 'not before the app is ready')
  await app.ready()
  await waitFor('three evaluations', async () => checks >= 3 ? true : undefined, 5000, 20)
  t.same(app.alerts.active().map((a) => a.name), ['Counted'])
  await app.close()
  const atClose = checks
  await new Promise((resolve) => setTimeout(resolve, 450))
  t.equal(checks, atClose, 'no evaluation after close: the timer was cleared, and not set again')
})

test('a metric whose collect function throws fails its rules only, logged once', async (t) => {
  const logs: string[] = []
  const app = await buildApp({ rules: [{ kind: 'gauge', name: 'Broken', metric: 'broken', above: 0 }, { kind: 'gauge', name: 'Fine', metric: 'fine', above: 0 }] })
  t.teardown(() => app.close())
  app.log.warn = ((obj: unknown, msg?: string) => { logs.push(msg ?? String(obj)) }) as typeof app.log.warn
  app.metrics.gauge({ name: 'broken', help: 'Broken.', collect () { throw new Error('cannot read') } })
  app.metrics.gauge({ name: 'fine', help: 'Fine.' }).set(1)
  const first = await app.alerts.evaluate()
  const second = await app.alerts.evaluate()
  t.match(first.errors, [{ rule: 'Broken', error: { message: 'cannot read' } }])
  t.equal(second.errors.length, 1)
  t.same(app.alerts.active().map((a) => a.name), ['Fine'])
  t.same(logs.filter((l) => l.includes('rule "Broken" failed')).length, 1, 'logged when it starts failing, not every time')
})

test('rules read the _sum and _count of a summary without labels (the client gives them no labels object)', async (t) => {
  const app = await buildApp({ rules: [{ kind: 'gauge', name: 'Sum', metric: 'payload_bytes_sum', above: 4 }, { kind: 'gauge', name: 'Count', metric: 'payload_bytes_count', above: 0 }] })
  t.teardown(() => app.close())
  app.metrics.summary({ name: 'payload_bytes', help: 'Payloads.' }).observe(5)
  const report = await app.alerts.evaluate()
  t.same(report.errors, [])
  t.same(app.alerts.active().map((a) => a.name).sort(), ['Count', 'Sum'])
})
