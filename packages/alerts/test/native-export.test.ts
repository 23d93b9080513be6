import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import { test } from 'tap'
import alerts from '../src/index.js'
import { exportRules } from '../src/export/rule-file.js'
import type { Rule } from '../src/rules/types.js'
import { startPrometheus } from '../../../test-support/prometheus.js'
import { checkRules } from '../../../test-support/promtool.js'
import { waitFor } from '../../../test-support/wait-for.js'

// Prometheus 2.x keeps a histogram it scrapes with native buckets (protobuf, native histograms
// on) as a native histogram only: its `_bucket` and `_count` series are gone. Rules marked
// `nativeHistogram` are written to read the histogram itself.

const rules: Rule[] = [
  { kind: 'latency', name: 'SlowNative', quantile: 0.9, above: 0.1, window: '1m', minEvents: 5, nativeHistogram: true },
  {
    kind: 'slo',
    name: 'FastNative',
    objective: 0.9,
    indicator: 'latency',
    threshold: 0.1,
    minEvents: 5,
    nativeHistogram: true,
    windows: [{ long: '1m', short: '30s', burnRate: 2, severity: 'critical' }]
  }
]

test('a native latency rule and a native latency SLO are written over the histogram itself', async (t) => {
  const { groups, yaml } = exportRules(rules)
  const exprs = groups[0]!.rules.map((rule) => rule.expr)
  const count = (window: string): string => `histogram_count(sum(rate(http_request_duration_seconds[${window}])))`
  const good = (window: string): string => `(histogram_fraction(-Inf, 0.1, sum(rate(http_request_duration_seconds[${window}]))) * ${count(window)})`
  t.same(exprs, [
    'histogram_quantile(0.9, sum(rate(http_request_duration_seconds[1m]))) > 0.1 and on () histogram_count(sum(increase(http_request_duration_seconds[1m]))) >= 5',
    `(${count('30s')} - ${good('30s')}) / ${count('30s')}`,
    `(${count('1m')} - ${good('1m')}) / ${count('1m')}`,
    'slo:sli_error:ratio_rate1m{slo="FastNative"} / 0.1 > 2 and slo:sli_error:ratio_rate30s{slo="FastNative"} / 0.1 > 2 and on () histogram_count(sum(increase(http_request_duration_seconds[1m]))) >= 5'
  ], 'no _bucket or _count series: the histogram itself')
  const dir = await mkdtemp(join(tmpdir(), 'obs-alerts-native-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'rules.yml'), yaml)
  const check = await checkRules(join(dir, 'rules.yml'))
  t.equal(check.code, 0, `promtool check rules: ${check.stdout}${check.stderr}`)
  t.throws(() => exportRules([{ kind: 'slo', name: 'A', objective: 0.9, indicator: 'availability', nativeHistogram: true }]), { code: 'OBS_ALERTS_INVALID_RULE', message: /nativeHistogram is for latency SLOs/ })
  t.throws(() => exportRules([{ ...rules[0]!, nativeHistogram: 'yes' } as unknown as Rule]), { code: 'OBS_ALERTS_INVALID_RULE', message: /nativeHistogram must be true or false/ })
})

test('a real Prometheus with native histograms fires the exported native rules, as the in-process engine does', async (t) => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, nativeHistograms: true })
  await app.register(alerts, { rules, interval: false })
  app.get('/work', async (request) => {
    await sleep(Number((request.query as { ms: string }).ms))
    return 'ok'
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const base = `http://127.0.0.1:${port}`

  const dir = await mkdtemp(join(tmpdir(), 'obs-alerts-native-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const ruleFile = join(dir, 'rules.yml')
  await writeFile(ruleFile, app.alerts.exportRules().yaml)
  const prometheus = await startPrometheus({ jobs: [{ name: 'app', targets: [`127.0.0.1:${port}`] }], ruleFiles: [ruleFile], flags: ['--enable-feature=native-histograms'] })
  t.teardown(() => prometheus.stop())

  // A first request and scrape, so that the rates have a baseline; then half the requests slow.
  await fetch(`${base}/work?ms=1`)
  await app.alerts.evaluate()
  await waitFor('the first scrape', async () => (await prometheus.query('http_request_duration_seconds'))[0])
  await Promise.all([...Array<number>(10).fill(2), ...Array<number>(10).fill(250)].map((ms) => fetch(`${base}/work?ms=${ms}`)))
  await sleep(2500)

  const firing = await waitFor('both alerts firing in Prometheus', async () => {
    const result = await prometheus.query('ALERTS{alertstate="firing"}')
    const names = result.map((sample) => sample.metric.alertname).sort()
    return names.length === 2 ? names : undefined
  })
  t.same(firing, ['FastNative', 'SlowNative'])
  const groups = await prometheus.api<{ groups: Array<{ rules: Array<{ name: string, health: string, lastError?: string }> }> }>('/api/v1/rules')
  for (const rule of groups.groups.flatMap((g) => g.rules)) t.equal(rule.lastError ?? '', '', `${rule.name}: evaluates (${rule.health})`)

  await app.alerts.evaluate()
  t.same(app.alerts.active().filter((alert) => alert.state === 'firing').map((alert) => alert.name).sort(), ['FastNative', 'SlowNative'], 'the in-process engine fires the same')
})
