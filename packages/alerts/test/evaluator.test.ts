import { test } from 'tap'
import { counterRate } from '../src/promql/rate.js'
import type { Rule } from '../src/rules/types.js'
import { type FakeSeries, MINUTE, testEngine } from './helpers.js'

const REQUESTS = 'http_requests_total'

/** One minute of traffic on a route: `ok` 200s and `errors` 500s. */
function traffic (series: FakeSeries, route: string, ok: number, errors: number): void {
  series.add(REQUESTS, { route, status_code: '200' }, ok)
  series.add(REQUESTS, { route, status_code: '500' }, errors)
}

const errorRatio: Rule = { kind: 'errorRatio', name: 'HighErrorRate', above: 0.1, window: '5m', for: '2m', by: ['route'], severity: 'critical' }

test('an error ratio rule goes pending, holds for `for`, fires, and resolves with a resolved notification', async (t) => {
  const e = testEngine([errorRatio])
  traffic(e.series, '/a', 0, 0)
  await e.engine.evaluate()
  for (let i = 0; i < 5; i++) {
    traffic(e.series, '/a', 100, 1)
    await e.step()
  }
  t.same(e.engine.active(), [], 'quiet at 1% errors')

  traffic(e.series, '/a', 100, 100)
  await e.step()
  t.match(e.engine.active(), [{ name: 'HighErrorRate', state: 'pending', labels: { route: '/a', severity: 'critical', alertname: 'HighErrorRate' } }], 'pending once over 10%')
  t.equal(e.notifications.length, 0, 'no notification while pending')
  traffic(e.series, '/a', 100, 100)
  await e.step()
  t.equal(e.engine.active()[0]!.state, 'pending', 'still pending after 1m of a 2m hold')
  traffic(e.series, '/a', 100, 100)
  await e.step()
  const [firing] = e.engine.active()
  t.equal(firing!.state, 'firing', 'firing after 2m')
  t.match(e.notifications, [{ status: 'firing', repeat: false, alert: { name: 'HighErrorRate', state: 'firing' } }])
  t.match(firing!.annotations.summary, /^Error ratio \d+(\.\d+)?% over 5m for route=\/a \(alert above 10%\)$/, 'summary with the value filled in')

  for (let i = 0; i < 5; i++) {
    traffic(e.series, '/a', 100, 0)
    await e.step()
  }
  t.same(e.engine.active(), [], 'resolved once the window holds no errors')
  t.match(e.notifications.at(-1), { status: 'resolved', alert: { state: 'resolved', fingerprint: firing!.fingerprint } })
  t.match(e.engine.resolvedHistory(), [{ fingerprint: firing!.fingerprint, state: 'resolved', endsAt: String }])
  t.equal(e.notifications.length, 2, 'one firing and one resolved notification')
})

test('a pending alert that stops holding is dropped without any notification', async (t) => {
  const e = testEngine([errorRatio])
  traffic(e.series, '/a', 0, 0)
  await e.engine.evaluate()
  traffic(e.series, '/a', 10, 10)
  await e.step()
  t.equal(e.engine.active()[0]?.state, 'pending')
  for (let i = 0; i < 6; i++) {
    traffic(e.series, '/a', 1000, 0)
    await e.step()
  }
  t.same(e.engine.active(), [])
  t.same(e.notifications, [])
  t.same(e.engine.resolvedHistory(), [], 'never fired, so not in the history')
})

test('minEvents keeps low traffic quiet, however bad its ratio', async (t) => {
  const e = testEngine([{ ...errorRatio, for: 0, minEvents: 50 }])
  traffic(e.series, '/quiet', 0, 0)
  traffic(e.series, '/busy', 0, 0)
  await e.engine.evaluate()
  for (let i = 0; i < 5; i++) {
    traffic(e.series, '/quiet', 1, 3) // 75% errors, 4 requests a minute: 20 in 5m
    traffic(e.series, '/busy', 10, 10) // 50% errors, 100 in 5m
    await e.step()
  }
  t.same(e.engine.active().map((a) => a.labels.route), ['/busy'], 'only the route with enough requests fires')
})

test('alerts are deduplicated by label fingerprint: one alert per route, one notification', async (t) => {
  const e = testEngine([{ ...errorRatio, for: 0 }])
  traffic(e.series, '/a', 0, 0)
  traffic(e.series, '/b', 0, 0)
  await e.engine.evaluate()
  for (let i = 0; i < 10; i++) {
    traffic(e.series, '/a', 10, 10)
    traffic(e.series, '/b', 10, 10)
    await e.step()
  }
  const active = e.engine.active()
  t.equal(active.length, 2, 'one alert per route, not one per evaluation')
  t.not(active[0]!.fingerprint, active[1]!.fingerprint)
  t.equal(e.notifications.length, 2, 'each notified once')
  t.equal(new Set(e.notifications.map((n) => n.alert.fingerprint)).size, 2)
})

test('a still-firing alert is notified again after the repeat interval, unless acknowledged', async (t) => {
  const e = testEngine([{ kind: 'gauge', name: 'QueueFull', metric: 'queue_size', above: 10 }], { repeatIntervalMs: 10 * MINUTE })
  e.series.set('queue_size', { queue: 'a' }, 50).set('queue_size', { queue: 'b' }, 50)
  await e.engine.evaluate()
  t.equal(e.notifications.length, 2)
  for (let i = 0; i < 9; i++) await e.step()
  t.equal(e.notifications.length, 2, 'no repeat before 10m')
  const b = e.engine.active().find((a) => a.labels.queue === 'b')!
  e.engine.acknowledge(b.fingerprint, 'ana', 'looking')
  await e.step()
  t.match(e.notifications.slice(2), [{ status: 'firing', repeat: true, alert: { labels: { queue: 'a' } } }], 'a repeats at 10m; b is acknowledged')
  t.equal(e.notifications.length, 3)
  for (let i = 0; i < 10; i++) await e.step()
  t.equal(e.notifications.length, 4, 'and again 10m later')
  e.series.set('queue_size', { queue: 'b' }, 0)
  await e.step()
  t.match(e.notifications.at(-1), { status: 'resolved', alert: { labels: { queue: 'b' }, acknowledged: { by: 'ana', comment: 'looking' } } }, 'an acknowledged alert still notifies its resolution')
})

test('keepFiringFor keeps an alert firing after its condition stops, then resolves it', async (t) => {
  const e = testEngine([{ kind: 'gauge', name: 'Hot', metric: 'temperature', above: 80, keepFiringFor: '3m' }])
  e.series.set('temperature', {}, 90)
  await e.engine.evaluate()
  t.equal(e.firing().length, 1)
  e.series.set('temperature', {}, 20)
  for (let i = 1; i <= 2; i++) {
    await e.step()
    t.same(e.firing(), ['Hot'], `still firing ${i}m after the condition stopped`)
  }
  e.series.set('temperature', {}, 95)
  await e.step()
  e.series.set('temperature', {}, 20)
  for (let i = 1; i <= 3; i++) await e.step()
  t.same(e.firing(), ['Hot'], 'the hold starts over when the condition returns: 2m after it stopped again')
  await e.step()
  t.same(e.firing(), [], 'resolved 3m after it stopped')
  t.equal(e.notifications.filter((n) => n.status === 'firing').length, 1, 'no second firing notification for the flap')
})

test('gauge thresholds: above, below, outside a range, and aggregated by a label', async (t) => {
  const e = testEngine([
    { kind: 'gauge', name: 'Above', metric: 'g', above: 10 },
    { kind: 'gauge', name: 'Below', metric: 'g', below: 0 },
    { kind: 'gauge', name: 'Outside', metric: 'g', outside: [0, 10] },
    { kind: 'gauge', name: 'MaxByPool', metric: 'g', aggregate: 'max', by: ['pool'], above: 15 },
    { kind: 'gauge', name: 'Sum', metric: 'g', aggregate: 'sum', above: 100, match: { pool: 'x' } }
  ])
  e.series.set('g', { pool: 'x', n: '1' }, 5).set('g', { pool: 'x', n: '2' }, 20).set('g', { pool: 'y', n: '3' }, -1)
  await e.engine.evaluate()
  const byName = (name: string): Array<Record<string, string>> => e.engine.active().filter((a) => a.name === name).map((a) => a.labels)
  t.same(byName('Above').map((l) => l.n), ['2'])
  t.same(byName('Below').map((l) => l.n), ['3'])
  t.same(byName('Outside').map((l) => l.n).sort(), ['2', '3'])
  t.same(byName('MaxByPool'), [{ pool: 'x', severity: 'warning', alertname: 'MaxByPool' }], 'grouped: only the pool label is kept')
  t.same(byName('Sum'), [])
  e.series.set('g', { pool: 'x', n: '1' }, 90)
  await e.step()
  t.same(byName('Sum').length, 1, 'sum over the matching series')
})

test('a counter-rate rule: above and below a rate, across a counter reset', async (t) => {
  const e = testEngine([
    { kind: 'rate', name: 'TooFast', metric: 'jobs_total', above: 5, window: '5m' },
    { kind: 'rate', name: 'Stalled', metric: 'jobs_total', below: 0.5, window: '5m', for: '2m' }
  ])
  let value = 0
  e.series.set('jobs_total', {}, value)
  await e.engine.evaluate()
  const samples: Array<[number, number]> = [[e.clock.time, value]]
  for (let i = 1; i <= 12; i++) {
    // 1 job a second; the process restarts at minute 8 (the counter drops to 30).
    value = i === 8 ? 30 : value + 60
    e.series.set('jobs_total', {}, value)
    await e.step()
    samples.push([e.clock.time, value])
    t.same(e.firing(), [], `minute ${i}: 1/s is neither too fast nor stalled, reset included`)
  }
  // The same rate PromQL computes from the raw samples.
  const promql = counterRate(samples, e.clock.time, 5 * MINUTE)!
  t.ok(Math.abs(promql - 1) < 0.1, `PromQL rate across the reset is about 1/s (${promql})`)
  for (let i = 0; i < 8; i++) {
    e.series.set('jobs_total', {}, value)
    await e.step()
  }
  t.same(e.firing(), ['Stalled'], 'a flat counter fires the below-rule after its hold')
  for (let i = 0; i < 5; i++) {
    value += 600
    e.series.set('jobs_total', {}, value)
    await e.step()
  }
  t.same(e.firing(), ['TooFast'], '10/s fires the above-rule; Stalled resolved')
})

test('counter resets: the increase over a reset is what PromQL computes, never negative', async (t) => {
  const e = testEngine([{ kind: 'rate', name: 'Errors', metric: 'errors_total', above: 1000, window: '10m' }])
  const raw = [0, 100, 200, 300, 50, 150, 250, 10, 110, 210, 310]
  const samples: Array<[number, number]> = []
  for (let i = 0; i < raw.length; i++) {
    e.series.set('errors_total', { kind: 'x' }, raw[i]!)
    if (i > 0) e.clock.advance(MINUTE)
    await e.engine.evaluate()
    samples.push([e.clock.time, raw[i]!])
  }
  // A rule whose threshold sits just under that rate fires with the engine's value.
  const expected = counterRate(samples, e.clock.time, 10 * MINUTE)!
  t.ok(Math.abs(expected - 860 / 600) < 1e-9, `PromQL: 310 - 0, plus 300 and 250 lost at the resets, over 600 s (${expected})`)
  const check = testEngine([{ kind: 'rate', name: 'Errors', metric: 'errors_total', above: expected - 1e-9, window: '10m' }])
  for (let i = 0; i < raw.length; i++) {
    check.series.set('errors_total', { kind: 'x' }, raw[i]!)
    if (i > 0) check.clock.advance(MINUTE)
    await check.engine.evaluate()
  }
  t.equal(check.engine.active()[0]?.value, expected, 'the engine computes exactly the PromQL value')
})

test('a series that appears after the first snapshot counts from zero (its first error counts)', async (t) => {
  const e = testEngine([{ kind: 'errorRatio', name: 'Errors', above: 0.01, window: '5m' }])
  e.series.add(REQUESTS, { route: '/a', status_code: '200' }, 0)
  await e.engine.evaluate()
  e.series.add(REQUESTS, { route: '/a', status_code: '200' }, 50)
  await e.step()
  // The first 500 of the process creates its series with the value 5 already.
  e.series.add(REQUESTS, { route: '/a', status_code: '200' }, 50)
  e.series.add(REQUESTS, { route: '/a', status_code: '500' }, 5)
  await e.step()
  const [alert] = e.engine.active()
  t.equal(alert?.name, 'Errors')
  t.ok(Math.abs(alert!.value! - 5 / 105) < 1e-12, `5 errors of 105 requests in the window (${alert?.value})`)
})

test('a latency rule fires on the quantile of the duration histogram', async (t) => {
  const e = testEngine([{ kind: 'latency', name: 'Slow', quantile: 0.9, above: 0.3, window: '5m', minEvents: 20 }])
  const bounds = ['0.1', '0.5', '1', '+Inf']
  const observe = (perBucket: number[]): void => {
    let cumulative = 0
    bounds.forEach((le, i) => {
      cumulative += perBucket[i]!
      e.series.add('http_request_duration_seconds_bucket', { route: '/a', le }, cumulative)
    })
    e.series.add('http_request_duration_seconds_count', { route: '/a' }, cumulative)
  }
  observe([0, 0, 0, 0])
  await e.engine.evaluate()
  for (let i = 0; i < 5; i++) {
    observe([95, 5, 0, 0])
    await e.step()
  }
  t.same(e.firing(), [], 'p90 within 0.1 s')
  for (let i = 0; i < 5; i++) {
    observe([50, 50, 0, 0])
    await e.step()
  }
  // Half the requests under 0.1 s, half between 0.1 and 0.5: p90 = 0.1 + 0.4 * (0.9 - 0.5) / 0.5 = 0.42.
  const [slow] = e.engine.active()
  t.match(slow, { name: 'Slow', state: 'firing' })
  t.ok(Math.abs(slow!.value! - 0.42) < 1e-12, `p90 is 0.42 s (${slow?.value})`)
  t.equal(slow!.annotations.summary, 'p90 latency 420ms over 5m (alert above 300ms)')
})

test('an SLO rule pages on a fast burn and opens a ticket on a slow one', async (t) => {
  const windows = [
    { long: '10m', short: '2m', burnRate: 10, severity: 'critical' as const },
    { long: '30m', short: '10m', burnRate: 2, severity: 'warning' as const }
  ]
  const e = testEngine([{ kind: 'slo', name: 'Availability', objective: 0.99, indicator: 'availability', windows }])
  traffic(e.series, '/a', 0, 0)
  await e.engine.evaluate()
  for (let i = 0; i < 30; i++) {
    traffic(e.series, '/a', 995, 5)
    await e.step()
  }
  t.same(e.firing(), [], '0.5% errors: half the budget, no burn alert')
  for (let i = 0; i < 30; i++) {
    traffic(e.series, '/a', 970, 30)
    await e.step()
  }
  t.same(e.engine.active().map((a) => [a.severity, a.state]), [['warning', 'firing']], '3% errors: 3x burn, a ticket, no page')
  for (let i = 0; i < 3; i++) {
    traffic(e.series, '/a', 700, 300)
    await e.step()
  }
  const page = e.engine.active().find((a) => a.severity === 'critical')
  t.ok(page, '30% errors: 30x burn over both page windows')
  t.same(page!.labels, { slo: 'Availability', severity: 'critical', alertname: 'Availability' })
  t.match(page!.annotations.summary, /^SLO Availability \(99% availability\): error budget burning [\d.]+x faster than sustainable/)
})

test('a latency SLO counts requests slower than its threshold as bad', async (t) => {
  const e = testEngine([{
    kind: 'slo',
    name: 'Fast',
    objective: 0.9,
    indicator: 'latency',
    threshold: 0.5,
    windows: [{ long: '10m', short: '2m', burnRate: 2, severity: 'critical' }]
  }])
  const observe = (fast: number, slow: number): void => {
    e.series.add('http_request_duration_seconds_bucket', { le: '0.5' }, fast)
    e.series.add('http_request_duration_seconds_bucket', { le: '+Inf' }, fast + slow)
    e.series.add('http_request_duration_seconds_count', {}, fast + slow)
  }
  observe(0, 0)
  await e.engine.evaluate()
  for (let i = 0; i < 10; i++) {
    observe(95, 5)
    await e.step()
  }
  t.same(e.firing(), [], '5% slow: half the 10% budget')
  for (let i = 0; i < 10; i++) {
    observe(70, 30)
    await e.step()
  }
  t.same(e.firing(), ['Fast'], '30% slow: 3x burn')
})

test('an absent rule fires while no series matches, and resolves when one appears', async (t) => {
  const e = testEngine([{ kind: 'absent', name: 'NoHeartbeat', metric: 'heartbeat_total', match: { job: 'worker' }, for: '1m' }])
  e.series.set('heartbeat_total', { job: 'other' }, 1)
  await e.engine.evaluate()
  t.match(e.engine.active(), [{ state: 'pending', labels: { job: 'worker', alertname: 'NoHeartbeat' } }], 'labels from the equality matchers, as absent() gives them')
  await e.step()
  t.same(e.firing(), ['NoHeartbeat'])
  e.series.set('heartbeat_total', { job: 'worker' }, 1)
  await e.step()
  t.same(e.engine.active(), [])
  e.series.remove('heartbeat_total', { job: 'worker' })
  await e.step()
  t.equal(e.engine.active()[0]?.state, 'pending', 'gone again')
})

test('a custom condition: booleans, numbers and labelled results; a throw leaves alerts as they were', async (t) => {
  let result: unknown = false
  const e = testEngine([{ kind: 'custom', name: 'Custom', check: () => typeof result === 'function' ? (result as () => boolean)() : result as boolean }])
  await e.engine.evaluate()
  t.same(e.engine.active(), [])
  result = 7
  await e.step()
  t.match(e.engine.active(), [{ name: 'Custom', value: 7, labels: { alertname: 'Custom', severity: 'warning' } }])
  result = [{ labels: { shard: '1' }, value: 2 }, { labels: { shard: '2' } }]
  await e.step()
  t.same(e.engine.active().map((a) => a.labels.shard).sort(), ['1', '2'], 'one alert per returned label set')
  result = () => { throw new Error('database down') }
  await e.step()
  t.match(e.errors, [{ rule: 'Custom', error: { message: 'database down' } }], 'a throw is a rule error')
  t.same(e.engine.active().map((a) => a.labels.shard).sort(), ['1', '2'], 'and the alerts stay as they were')
  result = 'yes'
  await e.step()
  t.match(e.errors.at(-1), { rule: 'Custom', error: { message: /must return a boolean, a number/ } }, 'a result of the wrong type is a rule error')
  t.same(e.engine.active().map((a) => a.labels.shard).sort(), ['1', '2'])
  const hanging = testEngine([{ kind: 'custom', name: 'Hangs', check: () => new Promise(() => {}) }], { checkTimeoutMs: 20 })
  const report = await hanging.engine.evaluate()
  t.match(report.errors, [{ rule: 'Hangs', error: { message: /did not settle within 20 ms/ } }], 'a check that never settles times out')
})

test('a rule that fails keeps its alerts as they were; the others go on', async (t) => {
  const e = testEngine([
    { kind: 'gauge', name: 'Broken', metric: 'flaky', above: 1 },
    { kind: 'gauge', name: 'Fine', metric: 'steady', above: 1 }
  ])
  e.series.set('flaky', {}, 5).set('steady', {}, 5)
  await e.engine.evaluate()
  t.same(e.firing().sort(), ['Broken', 'Fine'])
  e.series.failing.add('flaky')
  e.series.set('steady', {}, 0)
  await e.step()
  t.same(e.firing(), ['Broken'], 'Broken still fires (its family failed); Fine resolved')
  t.match(e.errors, [{ rule: 'Broken', error: { message: 'flaky failed' } }])
  e.series.failing.clear()
  e.series.set('flaky', {}, 0)
  await e.step()
  t.same(e.firing(), [])
})

test('the clock drives everything: evaluations at given times are deterministic', async (t) => {
  const run = async (): Promise<string[]> => {
    const e = testEngine([{ ...errorRatio, for: '1m' }])
    traffic(e.series, '/a', 0, 0)
    await e.engine.evaluate()
    const out: string[] = []
    for (let i = 0; i < 8; i++) {
      traffic(e.series, '/a', 10, i >= 2 && i < 5 ? 10 : 0)
      await e.step()
      out.push(e.engine.active().map((a) => `${a.state}@${a.activeAt}`).join(','))
    }
    return out
  }
  t.same(await run(), await run())
})

test('a rate rule that fires on a low rate waits until the engine has watched its whole window (no page after every restart)', async (t) => {
  const e = testEngine([
    { kind: 'rate', name: 'JobsStalled', metric: 'jobs_total', below: 0.5, window: '15m', for: '3m' },
    { kind: 'rate', name: 'JobsOutOfRange', metric: 'jobs_total', outside: [0.5, 100], window: '15m' },
    { kind: 'rate', name: 'JobsBusy', metric: 'jobs_total', above: 0.5, window: '15m' }
  ])
  // The process just started: a counter that already counted a lot, then 1 job a second.
  let value = 100_000
  e.series.set('jobs_total', {}, value)
  await e.engine.evaluate()
  const seen: string[] = []
  for (let i = 1; i <= 4 * 30; i++) {
    value += 15
    e.series.set('jobs_total', {}, value)
    await e.step(15_000)
    for (const alert of e.engine.active()) seen.push(`${alert.name}@${i * 15}s`)
  }
  // Without the wait, the 15m rate reads 0.07/s at 1m (a 1m history in a 15m window) and JobsStalled fires at 4m.
  t.same(seen.filter((s) => !s.startsWith('JobsBusy')), [], '1/s never looks stalled or out of range')
  t.equal(e.notifications.filter((n) => n.alert.name !== 'JobsBusy').length, 0)
  // A rule that fires on a high rate is not held back: an underestimate cannot make it fire.
  t.equal(seen.find((s) => s.startsWith('JobsBusy')), 'JobsBusy@450s', 'JobsBusy fires half-way through its first window (7.5m of 1/s in 15m)')

  // Once the window is watched, a real stall fires: the 15m rate falls under 0.5/s 7.5m into it, then the 3m hold.
  for (let i = 1; i <= 4 * 12; i++) {
    e.series.set('jobs_total', {}, value)
    await e.step(15_000)
  }
  t.same(e.engine.active().filter((a) => a.name === 'JobsStalled').map((a) => a.state), ['firing'], 'a stall fires once the history covers the window')
})

test('two samples that end with the same labels fail the rule, as in Prometheus, and change nothing', async (t) => {
  // `aggregate: none` keeps every series' labels; the rule's `queue` label overrides them.
  const e = testEngine([{ kind: 'gauge', name: 'QueueFull', metric: 'queue', above: 10, labels: { queue: 'all' } }])
  e.series.set('queue', { queue: 'a' }, 50).set('queue', { queue: 'b' }, 50)
  const report = await e.engine.evaluate()
  t.match(report.errors, [{ rule: 'QueueFull', error: { message: 'vector contains metrics with the same labelset after applying alert labels: {alertname="QueueFull", queue="all", severity="warning"}' } }])
  t.same(e.engine.active(), [], 'no alert stands for both')
  t.same(e.notifications, [])
  e.series.set('queue', { queue: 'b' }, 0)
  await e.step()
  t.match(e.engine.active(), [{ state: 'firing', labels: { queue: 'all' } }], 'one sample left: it fires')
  const [alert] = e.engine.active()
  e.series.remove('queue', { queue: 'a' }).set('queue', { queue: 'b' }, 70)
  await e.step()
  t.same(e.engine.active().map((a) => [a.fingerprint, a.value, a.activeAt]), [[alert!.fingerprint, 70, alert!.activeAt]],
    'another sample with the same labels is the same alert (alerts are their labels), its value updated')
  t.equal(e.notifications.length, 1, 'one firing notification, no resolution in between')
})

test('a latency SLO whose threshold is not a bucket bound is a rule error once the histogram exists', async (t) => {
  const slo = (threshold: number): Rule => ({ kind: 'slo', name: 'Fast', objective: 0.9, indicator: 'latency', threshold, windows: [{ long: '10m', short: '2m', burnRate: 2, severity: 'critical' }] })
  const e = testEngine([slo(0.3)])
  t.same((await e.engine.evaluate()).errors, [], 'no histogram yet: nothing to say (an absent rule is for that)')
  const observe = (engine: typeof e, les: string[], counts: number[]): void => {
    les.forEach((le, i) => engine.series.add('http_request_duration_seconds_bucket', { le }, counts[i]!))
    engine.series.add('http_request_duration_seconds_count', {}, counts.at(-1)!)
  }
  observe(e, ['0.1', '0.25', '0.5', '+Inf'], [10, 20, 30, 40])
  await e.step()
  t.match(e.errors, [{ rule: 'Fast', error: { message: '0.3 is not a bucket bound of http_request_duration_seconds (its bounds: 0.1, 0.25, 0.5): no request can count as faster than it' } }])

  // An integer bound, written `1` (@prometheus-io/client, Prometheus 2) or `1.0` (Prometheus 3): both are the bucket.
  for (const le of ['1', '1.0']) {
    const ok = testEngine([slo(1)])
    observe(ok, [le, '+Inf'], [0, 0])
    await ok.engine.evaluate()
    for (let i = 0; i < 10; i++) {
      observe(ok, [le, '+Inf'], [70, 100])
      await ok.step()
    }
    t.same(ok.errors, [], `le="${le}"`)
    t.same(ok.firing(), ['Fast'], `le="${le}": 30% slower than 1 s burns a 10% budget 3x`)
  }
})
