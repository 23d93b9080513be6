import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import { samples } from '../../../test-support/exposition.js'
import alerts from '../src/index.js'
import { ManualClock, MINUTE } from './helpers.js'

test('rules that cannot work say nothing: a missing, misspelled or wrong-type metric is a rule error after the start-up grace', async (t) => {
  const clock = new ManualClock()
  const warnings: Array<{ msg: string, rule?: string }> = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => { warnings.push(JSON.parse(line)) } } } })
  t.teardown(() => app.close())
  await app.register(metrics, { processMetrics: false, agentMetrics: false })
  await app.register(alerts, {
    interval: false,
    now: clock.now,
    startupGrace: '2m',
    rules: [
      { kind: 'rate', name: 'Misspelled', metric: 'jobs_totl', below: 0.1, window: '5m' },
      { kind: 'rate', name: 'OverGauge', metric: 'queue_size', above: 1, window: '5m' },
      { kind: 'latency', name: 'OverCounter', metric: 'jobs_total', quantile: 0.9, above: 1, window: '5m' },
      { kind: 'rate', name: 'Fine', metric: 'jobs_total', above: 100, window: '5m' },
      { kind: 'gauge', name: 'LateGauge', metric: 'late_gauge', above: 1 }
    ]
  })
  app.metrics.counter({ name: 'jobs_total', help: 'Jobs.' }).inc()
  app.metrics.gauge({ name: 'queue_size', help: 'Queue.' }).set(3)
  const first = await app.alerts.evaluate()
  t.same(first.errors, [], 'nothing during the start-up grace')
  // Registered lazily, within the grace: never an error.
  app.metrics.gauge({ name: 'late_gauge', help: 'Late.' }).set(0)
  clock.advance(2 * MINUTE)
  const report = await app.alerts.evaluate()
  t.same(report.errors.map((e) => e.rule).sort(), ['Misspelled', 'OverCounter', 'OverGauge'])
  const body = (await app.inject('/alerts')).json()
  t.match(body.ruleErrors, [
    { rule: 'Misspelled', error: 'no metric named jobs_totl is registered (misspelled, or not registered yet)', since: new Date(clock.time).toISOString() },
    { rule: 'OverGauge', error: 'queue_size is a gauge: rate() reads counters' },
    { rule: 'OverCounter', error: 'jobs_total is a counter, not a histogram: it has no buckets' }
  ])
  clock.advance(MINUTE)
  await app.alerts.evaluate()
  const m = samples((await app.inject('/metrics')).body)
  t.equal(m.get('obs_alerts_rule_errors_total{rule="Misspelled"}'), 2, 'counted at each evaluation')
  t.equal(warnings.filter((w) => w.rule === 'Misspelled').length, 1, 'one log line')
  t.match(warnings.find((w) => w.rule === 'Misspelled'), { msg: /rule "Misspelled" failed to evaluate/ })
})

test('an unknown field of a rule is refused, naming it and the nearest field', async (t) => {
  const { normalizeRules } = await import('../src/rules/normalize.js')
  t.throws(() => normalizeRules([{ kind: 'rate', name: 'Jobs', metric: 'jobs_total', below: 1, windw: '5m' } as never]),
    { code: 'OBS_ALERTS_INVALID_RULE', message: /"Jobs" \(rules\[0\]\): windw: unknown field; did you mean "window"\?/ })
  t.throws(() => normalizeRules([{ kind: 'absent', name: 'Gone', metric: 'x_total', quantile: 0.5 } as never]),
    { code: 'OBS_ALERTS_INVALID_RULE', message: /quantile: unknown field; the fields are .*metric/ })
  t.throws(() => normalizeRules([{ kind: 'slo', name: 'Avail', objective: 0.99, indicator: 'availability', windows: [{ long: '1h', short: '5m', burnRate: 2, severty: 'critical' }] } as never]),
    { code: 'OBS_ALERTS_INVALID_RULE', message: /windows\[0\]\.severty: unknown field; did you mean "windows\[0\]\.severity"\?/ })
})
