import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, type Test } from 'tap'
import { parse, stringify } from 'yaml'
import { main } from '../src/export/cli.js'
import { exportRules } from '../src/export/rule-file.js'
import { rules as build } from '../src/rules/builders.js'
import type { Rule } from '../src/rules/types.js'
import { checkRules, testRules } from '../../../test-support/promtool.js'
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
  t.match(check.stdout, /SUCCESS: 23 rules found/, 'seven recording rules per SLO (one per window) and nine alerting rules (two per SLO: page and ticket)')
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
    'slo:sli_error:ratio_rate2h{slo="Availability"}', 'slo:sli_error:ratio_rate6h{slo="Availability"}', 'slo:sli_error:ratio_rate1d{slo="Availability"}',
    'slo:sli_error:ratio_rate3d{slo="Availability"}',
    'slo:sli_error:ratio_rate5m{slo="Latency"}', 'slo:sli_error:ratio_rate30m{slo="Latency"}', 'slo:sli_error:ratio_rate1h{slo="Latency"}',
    'slo:sli_error:ratio_rate2h{slo="Latency"}', 'slo:sli_error:ratio_rate6h{slo="Latency"}', 'slo:sli_error:ratio_rate1d{slo="Latency"}',
    'slo:sli_error:ratio_rate3d{slo="Latency"}'
  ])
  t.match(records[7], {
    expr: '(sum by (route) (rate(agent_http_request_duration_seconds_count{job="agent"}[5m])) - sum by (route) (rate(agent_http_request_duration_seconds_bucket{job="agent", le="0.5"}[5m]))) / sum by (route) (rate(agent_http_request_duration_seconds_count{job="agent"}[5m]))'
  }, 'latency SLO: requests slower than the threshold over all requests, parenthesized where precedence needs it')
})

test('SLOs of two services in one Prometheus record apart: the recording rules carry match and labels', async (t) => {
  const dir = await tempDir(t)
  const slo: Rule = { kind: 'slo', name: 'Availability', objective: 0.99, indicator: 'availability', windows: [{ long: '30m', short: '5m', burnRate: 5, severity: 'critical' }] }
  const a = exportRules([slo], { group: 'svc-a', match: { job: 'a', instance: { re: '.*' } }, labels: { service: 'a' } })
  const b = exportRules([slo], { group: 'svc-b', match: { job: 'b' }, labels: { service: 'b' } })
  t.same(a.groups[0]!.rules.map((r) => 'record' in r ? [r.record, r.labels] : [(r as { alert: string }).alert, r.labels]), [
    ['slo:sli_error:ratio_rate5m', { slo: 'Availability', job: 'a', service: 'a' }],
    ['slo:sli_error:ratio_rate30m', { slo: 'Availability', job: 'a', service: 'a' }],
    ['Availability', { service: 'a', severity: 'critical' }]
  ], 'the equality matchers of match (job, not the regex on instance) and the labels')
  t.match((a.groups[0]!.rules[2] as { expr: string }).expr, /^slo:sli_error:ratio_rate30m\{slo="Availability", job="a", service="a"\} \/ 0\.01 > 5 and /, 'the alert reads its own service\'s ratios')
  await writeFile(join(dir, 'fleet.yml'), stringify({ groups: [...a.groups, ...b.groups] }, { lineWidth: 0 }))
  const check = await checkRules(join(dir, 'fleet.yml'))
  t.equal(check.code, 0, `${check.stdout}${check.stderr}`)
  // Service a fails 20% of its requests, service b none: only a's SLO may page.
  const series = (job: string, status: string, perMinute: number): { series: string, values: string } =>
    ({ series: `http_requests_total{job="${job}",instance="${job}:80",status_code="${status}"}`, values: `0+${perMinute}x40` })
  await writeFile(join(dir, 'fleet.test.yml'), stringify({
    rule_files: ['fleet.yml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: [series('a', '200', 80), series('a', '500', 20), series('b', '200', 100), series('b', '500', 0)],
      promql_expr_test: [{
        expr: 'round(slo:sli_error:ratio_rate5m, 0.001)',
        eval_time: '30m',
        exp_samples: [
          { labels: '{slo="Availability",job="a",service="a"}', value: 0.2 },
          { labels: '{slo="Availability",job="b",service="b"}', value: 0 }
        ]
      }],
      alert_rule_test: [{
        eval_time: '30m',
        alertname: 'Availability',
        exp_alerts: [{
          exp_labels: { slo: 'Availability', job: 'a', service: 'a', severity: 'critical' },
          exp_annotations: { summary: 'SLO Availability (99% availability): error budget burning 20x faster than sustainable (alert at 5x over 30m and 5m)' }
        }]
      }]
    }]
  }, { lineWidth: 0 }))
  const result = await testRules(join(dir, 'fleet.test.yml'))
  t.equal(result.code, 0, `promtool test rules: ${result.stdout}${result.stderr}`)
})

test('a latency SLO with an integer threshold matches the bucket as Prometheus 2 and 3 write it (le="1" or le="1.0")', async (t) => {
  const dir = await tempDir(t)
  const { yaml, groups } = exportRules([{ kind: 'slo', name: 'Fast', objective: 0.9, indicator: 'latency', threshold: 1, windows: [{ long: '10m', short: '5m', burnRate: 2, severity: 'critical' }] }])
  t.match((groups[0]!.rules[0] as { expr: string }).expr, 'rate(http_request_duration_seconds_bucket{le=~"1(\\\\.0)?"}[5m])')
  t.match(exportRules([{ kind: 'slo', name: 'Fast', objective: 0.99, indicator: 'latency', threshold: 0.25 }]).yaml, 'le="0.25"', 'other bounds as they are')
  await writeFile(join(dir, 'rules.yml'), yaml)
  t.equal((await checkRules(join(dir, 'rules.yml'))).code, 0)
  for (const le of ['1', '1.0']) {
    await writeFile(join(dir, 'test.yml'), stringify({
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          { series: `http_request_duration_seconds_bucket{le="${le}"}`, values: '0+70x20' },
          { series: 'http_request_duration_seconds_bucket{le="+Inf"}', values: '0+100x20' },
          { series: 'http_request_duration_seconds_count', values: '0+100x20' }
        ],
        promql_expr_test: [{ expr: 'slo:sli_error:ratio_rate5m', eval_time: '10m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{slo="Fast"}', value: 0.3 }] }]
      }]
    }, { lineWidth: 0 }))
    const result = await testRules(join(dir, 'test.yml'))
    t.equal(result.code, 0, `le="${le}": 30% slower than 1 s: ${result.stdout}${result.stderr}`)
  }
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
    [{ resourceLabels: 'x' }, /resourceLabels/], [{ match: { job: 5 } }, /match/],
    [{ labels: { slo: 'x' } }, /labels\.slo.*set by the rules themselves/], [{ labels: { severity: 'x' } }, /labels\.severity/]
  ]
  for (const [options, message] of cases) t.throws(() => exportRules([], options as never), { code: 'OBS_ALERTS_INVALID_OPTION', message }, JSON.stringify(options))
  t.throws(() => exportRules([{ kind: 'gauge', name: 'G' } as Rule]), { code: 'OBS_ALERTS_INVALID_RULE' })
  t.throws(() => exportRules([{ kind: 'errorRatio', name: 'E', above: 0.1, window: '5m', by: ['route'] }], { labels: { route: 'x' } }),
    { code: 'OBS_ALERTS_INVALID_OPTION', message: /labels\.route.*rule "E" groups by "route": its alerts would collide/ })
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
  t.match(check.stdout, /SUCCESS: 9 rules found/, 'seven recording rules, a page and a ticket alert')
})

test('an export that never matches: an export matcher on a label the rule matches merges when equal, and is a coded error when not', async (t) => {
  const worker: Rule = { kind: 'absent', name: 'WorkerGone', metric: 'heartbeat_total', match: { job: 'worker' } }
  const same = exportRules([worker], { match: { job: 'worker', env: 'prod' } })
  t.equal((same.groups[0]!.rules[0] as { expr: string }).expr, 'absent(heartbeat_total{env="prod", job="worker"})', 'one matcher per label')
  t.throws(() => exportRules([worker], { match: { job: 'agent' } }), {
    code: 'OBS_ALERTS_CONFLICTING_MATCHERS',
    message: 'Alert rule "WorkerGone" matches job="worker" and the export adds job="agent": no series has both, so the rule would never match'
  })
  const errorRatio: Rule = { kind: 'errorRatio', name: 'Errors', above: 0.05, window: '5m', match: { job: 'worker' } }
  t.throws(() => exportRules([errorRatio], { match: { job: 'agent' } }), { code: 'OBS_ALERTS_CONFLICTING_MATCHERS' }, 'every kind of rule')
  // Any export: no selector ever holds two matchers on one label from the export and the rule.
  for (const rule of every.filter((r) => r.kind !== 'custom')) {
    for (const alert of exportRules([rule], { match: { job: 'agent', method: 'GET' } }).groups[0]!.rules) {
      for (const selector of alert.expr.match(/\{[^}]*\}/g) ?? []) {
        const names = [...selector.matchAll(/(\w+)(=~|!~|!=|=)"/g)].map((m) => `${m[1]}${m[2]}`)
        t.equal(new Set(names).size, names.length, `${rule.name}: ${selector}`)
      }
    }
  }
  const dir = await tempDir(t)
  await writeFile(join(dir, 'rules.mjs'), `export const rules = ${JSON.stringify([worker])}\n`)
  const out = { stdout: '', stderr: '' }
  const code = await main(['export', 'rules.mjs', '--match', 'job=agent'], { stdout: (s) => { out.stdout += s }, stderr: (s) => { out.stderr += s }, cwd: dir })
  t.equal(code, 1)
  t.match(out.stderr, /OBS_ALERTS_CONFLICTING_MATCHERS: Alert rule "WorkerGone" matches job="worker"/)
})

test('a fourth burn-rate pair: the default SLO windows ticket a 3x burn over 1d and 2h, as Sloth does', async (t) => {
  const { groups } = exportRules([{ kind: 'slo', name: 'Availability', objective: 0.999, indicator: 'availability' }])
  const ticket = groups[0]!.rules.find((r) => 'alert' in r && r.labels.severity === 'warning') as { expr: string }
  t.equal(ticket.expr, [
    'slo:sli_error:ratio_rate1d{slo="Availability"} / 0.001 > 3 and slo:sli_error:ratio_rate2h{slo="Availability"} / 0.001 > 3',
    'slo:sli_error:ratio_rate3d{slo="Availability"} / 0.001 > 1 and slo:sli_error:ratio_rate6h{slo="Availability"} / 0.001 > 1'
  ].map((pair) => `(${pair})`).join(' or '))
})
