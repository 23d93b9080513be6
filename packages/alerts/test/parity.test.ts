import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import { stringify } from 'yaml'
import { exportRules } from '../src/export/rule-file.js'
import type { Rule } from '../src/rules/types.js'
import { checkRules, testRules } from '../../../test-support/promtool.js'
import { MINUTE, testEngine } from './helpers.js'

// The same rules and the same input series go through the in-process engine and through
// `promtool test rules` (Prometheus' own rule evaluation). The engine's firing alerts at every
// minute become the promtool test's expected alerts, labels and annotations included: promtool
// passes only if Prometheus fires exactly the same alerts at exactly the same times.

const STEPS = 150
type Values = Array<number | undefined>
interface SeriesDef { name: string, labels: Record<string, string>, values: Values }

/** A counter from per-minute increments, starting at 0; `resetAt` restarts it (a process restart). */
function counter (increment: (minute: number) => number, resetAt?: number): Values {
  const out: number[] = []
  let total = 0
  for (let i = 0; i < STEPS; i++) {
    if (i === resetAt) total = 0
    if (i > 0) total += increment(i)
    out.push(total)
  }
  return out
}

function scenario (): SeriesDef[] {
  const requests = (i: number): number => 600 + (i % 7) * 10
  const errorShare = (i: number): number => (i >= 30 && i < 50) ? 0.2 : 0.005
  const series: SeriesDef[] = [
    { name: 'http_requests_total', labels: { route: '/a', status_code: '200' }, values: counter((i) => Math.round(requests(i) * (1 - errorShare(i))), 70) },
    { name: 'http_requests_total', labels: { route: '/a', status_code: '500' }, values: counter((i) => Math.round(requests(i) * errorShare(i)), 70) },
    // Low traffic with half of it failing: minEvents keeps it quiet.
    { name: 'http_requests_total', labels: { route: '/b', status_code: '200' }, values: counter(() => 2) },
    { name: 'http_requests_total', labels: { route: '/b', status_code: '500' }, values: counter(() => 2) }
  ]
  // Latency histogram of /a: share of requests per bucket, slow between minutes 80 and 95.
  const bounds = ['0.1', '0.25', '0.5', '1', '+Inf']
  const normal = [0.8, 0.15, 0.04, 0.01, 0]
  const slow = [0.2, 0.2, 0.2, 0.3, 0.1]
  const share = (i: number): number[] => (i >= 80 && i < 95) ? slow : normal
  bounds.forEach((le, b) => {
    const cumulative = (i: number): number => share(i).slice(0, b + 1).reduce((s, x) => s + x, 0)
    series.push({ name: 'http_request_duration_seconds_bucket', labels: { route: '/a', le }, values: counter((i) => Math.round(requests(i) * cumulative(i)), 70) })
  })
  series.push({ name: 'http_request_duration_seconds_count', labels: { route: '/a' }, values: counter(requests, 70) })
  series.push({
    name: 'agent_queue_size',
    labels: { queue: 'jobs' },
    values: Array.from({ length: STEPS }, (_, i) => (i >= 20 && i < 30) ? 95 : (i >= 100 && i < 105) ? 5 : 50)
  })
  series.push({ name: 'jobs_total', labels: { worker: 'w1' }, values: counter((i) => (i >= 110 && i < 126) ? 6 : 60) })
  // A heartbeat that stops at minute 61 and comes back at minute 90.
  series.push({ name: 'heartbeat_total', labels: {}, values: counter(() => 1).map((v, i) => (i > 60 && i < 90) ? undefined : v) })
  return series
}

const rules: Rule[] = [
  {
    kind: 'errorRatio',
    name: 'HighErrorRate',
    above: 0.05,
    window: '5m',
    for: '2m',
    keepFiringFor: '3m',
    minEvents: 100,
    by: ['route'],
    severity: 'critical',
    labels: { team: 'api' },
    annotations: { ratio: '{{ printf "%.3f" $value }}', route: 'route {{ $labels.route | toUpper }}', runbook: 'https://runbooks/errors' }
  },
  { kind: 'latency', name: 'SlowRequests', quantile: 0.9, above: 0.4, window: '5m', for: '1m', by: ['route'], minEvents: 50 },
  { kind: 'gauge', name: 'QueueOutOfRange', metric: 'agent_queue_size', outside: [10, 90], severity: 'info' },
  { kind: 'rate', name: 'JobsStalled', metric: 'jobs_total', below: 0.5, window: '5m', for: '3m', severity: 'error' },
  { kind: 'absent', name: 'HeartbeatMissing', metric: 'heartbeat_total', for: '2m' },
  { kind: 'slo', name: 'Availability', objective: 0.99, indicator: 'availability', minEvents: 10 },
  {
    kind: 'slo',
    name: 'Latency',
    objective: 0.95,
    indicator: 'latency',
    threshold: 0.5,
    windows: [{ long: '30m', short: '5m', burnRate: 2, severity: 'critical' }, { long: '2h', short: '15m', burnRate: 1, severity: 'warning' }]
  }
]

/** `[1, 2, 3, 7]` → `1-3,7`. */
function ranges (list: number[]): string {
  const out: string[] = []
  for (let i = 0; i < list.length; i++) {
    let j = i
    while (list[j + 1] === list[j]! + 1) j++
    out.push(i === j ? String(list[i]) : `${list[i]}-${list[j]}`)
    i = j
  }
  return out.join(',')
}

interface Fired { labels: Record<string, string>, annotations: Record<string, string> }

test('Prometheus fires the same alerts as the in-process engine for the same series', async (t) => {
  const series = scenario()
  const { engine, series: fake, clock } = testEngine(rules)
  const start = clock.time
  const names = [...new Set(rules.map((r) => r.name))]
  const firingAt: Array<Map<string, Fired[]>> = []
  for (let i = 0; i < STEPS; i++) {
    for (const s of series) {
      const value = s.values[i]
      if (value === undefined) fake.remove(s.name, s.labels)
      else fake.set(s.name, s.labels, value)
    }
    clock.time = start + i * MINUTE
    const report = await engine.evaluate()
    if (report.errors.length > 0) t.fail(`rule errors at minute ${i}: ${report.errors.map((e) => String(e.error)).join(', ')}`)
    if (i === 32) t.match(engine.active().find((a) => a.name === 'HighErrorRate'), { state: 'pending' }, 'pending at minute 32, during for: 2m')
    const byName = new Map<string, Fired[]>(names.map((n) => [n, []]))
    for (const alert of engine.active()) {
      if (alert.state !== 'firing') continue
      const { alertname, ...labels } = alert.labels
      byName.get(alertname!)!.push({ labels, annotations: alert.annotations })
    }
    firingAt.push(byName)
  }

  const minutes = (name: string, severity?: string): string => ranges(firingAt.flatMap((m, i) =>
    m.get(name)!.some((a) => severity === undefined || a.labels.severity === severity) ? [i] : []))
  // What the scenario is built to do, minute by minute (the increments of minute i land at i).
  t.equal(minutes('HighErrorRate'), '33-55', 'errors from minute 30: over 5% from 31, firing after for: 2m, kept 3m after it falls at 53')
  t.equal(minutes('SlowRequests'), '81-98', 'slow from minute 80, for: 1m')
  t.equal(minutes('QueueOutOfRange'), '20-29,100-104', 'above 90 then below 10, no hold')
  t.equal(minutes('JobsStalled'), '115-127', 'rate below 0.5/s from 112, for: 3m')
  t.equal(minutes('HeartbeatMissing'), '63-89', 'gone at 61, for: 2m, back at 90')
  t.equal(minutes('Availability', 'critical'), '40-70', 'pages at 6x over 6h and 30m, until the 30m window forgets the incident')
  t.equal(minutes('Availability', 'warning'), '30-149', 'slow burn (1x over 3d and 6h) opens a ticket and stays')
  t.equal(minutes('Latency'), '86-107', 'latency SLO: 2x over 30m and 5m, or 1x over 2h and 15m')
  t.notOk(firingAt.some((m) => m.get('HighErrorRate')!.some((a) => a.labels.route === '/b')), '/b (50% errors at 4 requests a minute) never fires: under minEvents')
  t.same(firingAt[33]!.get('HighErrorRate'), [{
    labels: { route: '/a', team: 'api', severity: 'critical' },
    annotations: {
      summary: 'Error ratio 16.22% over 5m for route=/a (alert above 5%)',
      ratio: '0.162',
      route: 'route /A',
      runbook: 'https://runbooks/errors'
    }
  }], 'labels and annotations with the values filled in')

  const dir = await mkdtemp(join(tmpdir(), 'obs-alerts-parity-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const { yaml } = exportRules(rules)
  await writeFile(join(dir, 'rules.yml'), yaml)
  const check = await checkRules(join(dir, 'rules.yml'))
  t.equal(check.code, 0, `promtool check rules: ${check.stdout}${check.stderr}`)

  const values = (v: Values): string => v.map((x, i) => x !== undefined ? String(x) : v[i - 1] !== undefined ? 'stale' : '_').join(' ')
  const seriesName = (s: SeriesDef): string => `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`
  const promtoolTest = {
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: series.map((s) => ({ series: seriesName(s), values: values(s.values) })),
      alert_rule_test: firingAt.flatMap((byName, minute) => [...byName].map(([alertname, fired]) => ({
        eval_time: `${minute}m`,
        alertname,
        exp_alerts: fired.map((a) => ({ exp_labels: a.labels, exp_annotations: a.annotations }))
      })))
    }]
  }
  await writeFile(join(dir, 'test.yml'), stringify(promtoolTest, { lineWidth: 0 }))
  const result = await testRules(join(dir, 'test.yml'))
  t.equal(result.code, 0, `promtool test rules agrees at every minute:\n${(result.stdout + result.stderr).slice(0, 6000)}`)

  // A control: the same test with one alert expected a minute early must fail, so the pass above means something.
  const early = promtoolTest.tests[0]!.alert_rule_test.find((c) => c.eval_time === '32m' && c.alertname === 'HighErrorRate')!
  early.exp_alerts = promtoolTest.tests[0]!.alert_rule_test.find((c) => c.eval_time === '33m' && c.alertname === 'HighErrorRate')!.exp_alerts
  await writeFile(join(dir, 'control.yml'), stringify(promtoolTest, { lineWidth: 0 }))
  const control = await testRules(join(dir, 'control.yml'))
  t.not(control.code, 0, 'promtool rejects an alert expected one minute early')
  t.match(control.stdout + control.stderr, /alertname: HighErrorRate, time: 32m/)
})
