// The catalogue's latency rules over the service's native duration histograms, in their native
// form (as the checked-in rule file has them), run by a real Prometheus that scrapes the real
// service with native histograms on: quiet while requests, tools and tasks are fast, firing once
// they are slow. (promtool 2.42 cannot express native histograms: alert-catalogue-promtool.test.ts
// covers these rules in their classic form.) Short windows and low thresholds keep it quick.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { exportRules } from '@obs/alerts'
import { startPrometheus } from '@obs/test-support/prometheus'
import { waitFor } from '@obs/test-support/wait-for'
import { test } from 'tap'
import { prometheusRules } from '../src/alert-rules.js'
import { JOB, RULE_EXPORT } from '../scripts/deploy-files.js'
import { listeningApp } from './helpers.js'

const SLOW = ['AgentSlowAnswers', 'AgentSlowPipeline', 'AgentSlowTools']

test('the native latency rules: quiet while fast, firing when slow, in a real Prometheus with native histograms', async (t) => {
  // Model calls of about 200 ms: a task takes a few hundred milliseconds.
  const { app, url } = await listeningApp(t, { llmLatencyScale: 0.2 })
  const rules = prometheusRules({ window: '1m', for: '1s', limits: { slowAnswerSeconds: 0.1, slowToolSeconds: 1, slowTaskSeconds: 0.1 } })
  const yaml = exportRules(rules, RULE_EXPORT).yaml
  t.match(yaml, /histogram_quantile\(0\.95, sum\(rate\(http_request_duration_seconds\{job="agent"\}\[1m\]\)\)\)/, 'the native form: no _bucket')

  const dir = await mkdtemp(join(tmpdir(), 'obs-agent-native-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'rules.yml'), yaml)
  const prometheus = await startPrometheus({
    jobs: [{ name: JOB, targets: [url.replace('http://', '')] }],
    ruleFiles: [join(dir, 'rules.yml')],
    flags: ['--enable-feature=native-histograms']
  })
  t.teardown(() => prometheus.stop())
  const firing = async (): Promise<string[]> =>
    (await prometheus.query('ALERTS{alertstate="firing"}')).map((s) => s.metric.alertname!).filter((name) => SLOW.includes(name)).sort()

  // Fast: listing tasks, and tool calls of 10 ms.
  for (let i = 0; i < 12; i++) await fetch(`${url}/tasks?limit=1`)
  for (let i = 0; i < 6; i++) app.metrics.agent.recordToolCall({ tool: 'calculator', durationSeconds: 0.01 })
  const [sample] = await waitFor('the request histogram, native', async () => {
    const result = await prometheus.api<{ result: Array<{ histogram?: unknown }> }>(`/api/v1/query?query=${encodeURIComponent('http_request_duration_seconds{route="/tasks"}')}`)
    return result.result.length > 0 ? result.result : undefined
  })
  t.ok(sample!.histogram, 'Prometheus holds the request duration as a native histogram')
  await sleep(3000) // several evaluations over the fast samples
  t.same(await firing(), [], 'quiet while fast')

  // Slow: tasks through the pipeline (model calls), and tool calls of 2 s. The first wave creates
  // the series of POST /tasks and of finished tasks; a rate needs them scraped before they grow.
  const tasks = async (count: number): Promise<unknown> => Promise.all(Array.from({ length: count }, async (_, i) =>
    fetch(`${url}/tasks?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `Explain topic ${i}` }) })))
  await tasks(4)
  await sleep(2000)
  await tasks(12)
  for (let i = 0; i < 6; i++) app.metrics.agent.recordToolCall({ tool: 'calculator', durationSeconds: 2 })
  let seen: string[] = []
  const fired = await waitFor('the three slow alerts', async () => {
    seen = await firing()
    return seen.length === SLOW.length ? seen : undefined
  }).catch(async (error: Error) => {
    const values = await Promise.all(['http_request_duration_seconds', 'agent_task_duration_seconds', 'gen_ai_execute_tool_duration_seconds']
      .map(async (m) => `${m}: ${JSON.stringify((await prometheus.query(`histogram_quantile(0.95, sum(rate(${m}[1m])))`)).map((x) => x.value[1]))} count ${JSON.stringify((await prometheus.query(`histogram_count(sum(increase(${m}[1m])))`)).map((x) => x.value[1]))}`))
    const raw = await prometheus.api<{ result: Array<{ metric: Record<string, string>, histogram?: [number, { count: string }] }> }>(`/api/v1/query?query=${encodeURIComponent('http_request_duration_seconds')}`)
    const up = await prometheus.query('up')
    throw new Error(`${error.message}; firing: ${seen.join(', ')}; ${values.join('; ')}; raw ${JSON.stringify(raw.result.map((r) => [r.metric.route, r.metric.method, r.metric.status_code, r.histogram?.[1].count]))}; up ${JSON.stringify(up.map((u) => u.value[1]))}`)
  })
  t.same(fired, SLOW)

  const groups = await prometheus.api<{ groups: Array<{ rules: Array<{ name: string, lastError?: string }> }> }>('/api/v1/rules')
  for (const rule of groups.groups.flatMap((g) => g.rules)) t.equal(rule.lastError ?? '', '', `${rule.name} evaluates without error`)
})
