import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, type Test } from 'tap'
import { parse, stringify } from 'yaml'
import { main } from '../src/cli.js'
import { exportRules } from '../src/export.js'
import { rules as build } from '../src/builders.js'
import type { Rule } from '../src/rule-types.js'
import { checkRules } from '../../../test-support/promtool.js'
import { run } from '../../../test-support/run.js'

const every: Rule[] = [
  { kind: 'errorRatio', name: 'HighErrorRate', above: 0.05, window: '5m', for: '2m', keepFiringFor: '5m', minEvents: 100, by: ['route'], severity: 'critical', match: { route: { not: /\/health.*/ } }, labels: { team: 'api' }, description: 'More than 5% of requests fail', annotations: { runbook: 'https://runbooks/{{ $labels.route }}' } },
  { kind: 'latency', name: 'SlowRequests', quantile: 0.99, above: 2, window: '10m', match: { method: 'GET' } },
  { kind: 'rate', name: 'NoTraffic', metric: 'http_requests_total', below: 0.01, window: '15m', for: '10m' },
  { kind: 'gauge', name: 'QueueBacklog', metric: 'agent_queue_size', aggregate: 'max', by: ['queue'], outside: [0, 1000] },
  { kind: 'slo', name: 'Availability', objective: 0.999, indicator: 'availability', minEvents: 10 },
  { kind: 'slo', name: 'Latency', objective: 0.99, indicator: 'latency', threshold: 0.5, by: ['route'] },
  { kind: 'absent', name: 'NoMetrics', metric: 'http_requests_total', match: { method: 'GET' }, for: '5m' },
  { kind: 'custom', name: 'InProcessOnly', check: () => false }
]

async function tempDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'obs-alerts-export-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('every kind of rule exports to a rule file that promtool accepts', async (t) => {
  const dir = await tempDir(t)
  const result = exportRules(every, { prefix: 'agent_', interval: '30s', match: { job: 'agent' }, labels: { service: 'agent' } })
  await writeFile(join(dir, 'rules.yml'), result.yaml)
  const check = await checkRules(join(dir, 'rules.yml'))
  t.equal(check.code, 0, `${check.stdout}${check.stderr}`)
  t.match(check.stdout, /SUCCESS: 19 rules found/, 'five recording rules per SLO and nine alerting rules (two per SLO: page and ticket)')
  t.same(result.skipped, [{ rule: 'InProcessOnly', reason: 'Alert rule "InProcessOnly" cannot be exported to Prometheus: its condition is a JavaScript function, which only the in-process engine can run' }])
  const [group] = result.groups
  t.equal(group!.name, 'obs-alerts')
  t.equal(group!.interval, '30s')
  const alerts = group!.rules.filter((r) => 'alert' in r)
  t.same(alerts.map((r) => 'alert' in r && r.alert), ['HighErrorRate', 'SlowRequests', 'NoTraffic', 'QueueBacklog', 'Availability', 'Availability', 'Latency', 'Latency', 'NoMetrics'])
  t.same(alerts[0], {
    alert: 'HighErrorRate',
    expr: 'sum by (route) (rate(agent_http_requests_total{job="agent", route!~"\\\\/health.*", status_code=~"5.."}[5m])) / sum by (route) (rate(agent_http_requests_total{job="agent", route!~"\\\\/health.*"}[5m])) > 0.05 and on (route) sum by (route) (increase(agent_http_requests_total{job="agent", route!~"\\\\/health.*"}[5m])) >= 100',
    for: '2m',
    keep_firing_for: '5m',
    labels: { service: 'agent', team: 'api', severity: 'critical' },
    annotations: {
      summary: 'Error ratio {{ $value | humanizePercentage }} over 5m for route={{ $labels.route }} (alert above 5%)',
      description: 'More than 5% of requests fail',
      runbook: 'https://runbooks/{{ $labels.route }}'
    }
  })
  const records = group!.rules.filter((r) => 'record' in r)
  t.same(records.map((r) => 'record' in r && `${r.record}{slo="${r.labels!.slo}"}`), [
    'slo:sli_error:ratio_rate5m{slo="Availability"}', 'slo:sli_error:ratio_rate30m{slo="Availability"}', 'slo:sli_error:ratio_rate1h{slo="Availability"}',
    'slo:sli_error:ratio_rate6h{slo="Availability"}', 'slo:sli_error:ratio_rate3d{slo="Availability"}',
    'slo:sli_error:ratio_rate5m{slo="Latency"}', 'slo:sli_error:ratio_rate30m{slo="Latency"}', 'slo:sli_error:ratio_rate1h{slo="Latency"}',
    'slo:sli_error:ratio_rate6h{slo="Latency"}', 'slo:sli_error:ratio_rate3d{slo="Latency"}'
  ])
  t.match(records[5], {
    expr: '(sum by (route) (rate(agent_http_request_duration_seconds_count{job="agent"}[5m])) - sum by (route) (rate(agent_http_request_duration_seconds_bucket{job="agent", le="0.5"}[5m]))) / sum by (route) (rate(agent_http_request_duration_seconds_count{job="agent"}[5m]))'
  }, 'latency SLO: requests slower than the threshold over all requests, parenthesized where precedence needs it')
})

test('a PrometheusRule resource carries the same groups', async (t) => {
  const dir = await tempDir(t)
  const result = exportRules(every.slice(0, 3), { format: 'prometheus-rule', name: 'agent-alerts', namespace: 'obs', resourceLabels: { release: 'prometheus' } })
  const doc = parse(result.yaml) as { apiVersion: string, kind: string, metadata: Record<string, unknown>, spec: { groups: unknown[] } }
  t.equal(doc.apiVersion, 'monitoring.coreos.com/v1')
  t.equal(doc.kind, 'PrometheusRule')
  t.same(doc.metadata, { name: 'agent-alerts', namespace: 'obs', labels: { release: 'prometheus' } })
  t.same(doc.spec.groups, exportRules(every.slice(0, 3)).groups)
  await writeFile(join(dir, 'spec.yml'), stringify({ groups: doc.spec.groups }))
  t.equal((await checkRules(join(dir, 'spec.yml'))).code, 0, 'its spec.groups pass promtool')
})

test('a custom rule cannot be exported: left out with the reason, or a coded error when strict', async (t) => {
  t.throws(() => exportRules(every, { strict: true }), { code: 'OBS_ALERTS_NOT_EXPORTABLE', message: /"InProcessOnly" cannot be exported/ })
  t.same(exportRules([build.custom('Only', () => true)]).groups[0]!.rules, [])
})

test('bad export options and rules are coded errors', async (t) => {
  const cases: Array<[object, RegExp]> = [
    [{ format: 'json' }, /format/], [{ prefix: '1x' }, /prefix/], [{ group: '' }, /group/], [{ interval: 'often' }, /interval/],
    [{ labels: { a: 1 } }, /labels/], [{ format: 'prometheus-rule', name: 'Upper_Case' }, /PrometheusRule name/],
    [{ resourceLabels: 'x' }, /resourceLabels/], [{ match: { job: 5 } }, /match/]
  ]
  for (const [options, message] of cases) t.throws(() => exportRules([], options as never), { code: 'OBS_ALERTS_INVALID_OPTION', message }, JSON.stringify(options))
  t.throws(() => exportRules([{ kind: 'gauge', name: 'G' } as Rule]), { code: 'OBS_ALERTS_INVALID_RULE' })
})

test('the command line exports rules from YAML, JSON and JavaScript modules', async (t) => {
  const dir = await tempDir(t)
  const io = (): { stdout: string, stderr: string, io: Parameters<typeof main>[1] } => {
    const out = { stdout: '', stderr: '', io: { stdout: (s: string) => { out.stdout += s }, stderr: (s: string) => { out.stderr += s }, cwd: dir } }
    return out
  }
  await writeFile(join(dir, 'rules.yaml'), stringify({ rules: [{ kind: 'errorRatio', name: 'HighErrorRate', above: 0.05, window: '5m', match: { route: { not: { re: '/health.*' } } } }] }))
  await writeFile(join(dir, 'rules.json'), JSON.stringify([{ kind: 'gauge', name: 'Queue', metric: 'agent_queue_size', above: 100 }]))
  await writeFile(join(dir, 'rules.mjs'), 'export default async () => [{ kind: \'absent\', name: \'Gone\', metric: \'up\' }, { kind: \'custom\', name: \'Code\', check: () => true }]\n')

  let o = io()
  t.equal(await main(['export', 'rules.yaml', '--prefix', 'agent_', '--match', 'job=agent'], o.io), 0)
  t.match(o.stdout, /expr: sum\(rate\(agent_http_requests_total\{job="agent", route!~"\/health\.\*", status_code=~"5\.\."\}\[5m\]\)\)/)
  o = io()
  t.equal(await main(['export', 'rules.json', '--format', 'prometheus-rule', '--namespace', 'obs', '--resource-label', 'release=prom', '--out', 'out.yml'], o.io), 0)
  t.match(parse(await readFile(join(dir, 'out.yml'), 'utf8')), { kind: 'PrometheusRule', metadata: { namespace: 'obs', labels: { release: 'prom' } } })
  o = io()
  t.equal(await main(['export', 'rules.mjs', '--out', 'mod.yml'], o.io), 0)
  t.match(o.stderr, /skipped rule "Code": .*cannot be exported/)
  t.equal((await checkRules(join(dir, 'mod.yml'))).code, 0)
  o = io()
  t.equal(await main(['export', 'rules.mjs', '--strict'], o.io), 1)
  t.match(o.stderr, /^obs-alerts: OBS_ALERTS_NOT_EXPORTABLE: /)
  o = io()
  t.equal(await main(['export', 'missing.yaml'], o.io), 1)
  t.match(o.stderr, /ENOENT/)
  o = io()
  t.equal(await main(['export', 'rules.yaml', '--match', 'nonsense'], o.io), 1)
  t.match(o.stderr, /--match expects label=value/)
  o = io()
  t.equal(await main(['import', 'rules.yaml'], o.io), 2)
  t.match(o.stderr, /^Usage: obs-alerts export/)
  o = io()
  t.equal(await main(['export', 'rules.yaml', '--bogus'], o.io), 2)
  o = io()
  t.equal(await main(['--help'], o.io), 0)
  t.match(o.stdout, /--format <rules\|prometheus-rule>/)
})

test('the package bin runs the command line (built dist)', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'rules.json'), JSON.stringify([{ kind: 'slo', name: 'Availability', objective: 0.999, indicator: 'availability' }]))
  const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
  const result = await run(process.execPath, [bin, 'export', join(dir, 'rules.json'), '--out', join(dir, 'slo.yml')])
  t.equal(result.code, 0, result.stderr)
  const check = await checkRules(join(dir, 'slo.yml'))
  t.match(check.stdout, /SUCCESS: 7 rules found/, 'five recording rules, a page and a ticket alert')
})
