// The exported alert catalogue, as Prometheus runs it: `promtool test rules` over the checked-in
// rule file, one scenario per alert. Each scenario is healthy for ten minutes and then meets the
// alert's condition: the alert must not fire at minute 10 and must fire at minute 20 (5m window,
// 2m for), with its labels and its annotations rendered as Prometheus renders them.
import { test, type Test } from 'tap'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { exportRules, type Rule } from '@obs/alerts'
import { testRules } from '@obs/test-support/promtool'
import { prometheusRules, runbookUrl } from '../src/alert-rules.js'
import { AGENT_ROOT, RULE_EXPORT } from '../scripts/deploy-files.js'

interface Scenario {
  alert: string
  /** Series in promtool's notation, one sample a minute. */
  series: Record<string, string>
  /** The labels the alert's expression gives (besides the rule's own). */
  labels?: Record<string, string>
  summary: string
}

const instance = 'job="agent",instance="agent-0:3000",service="agent",environment="production"'
const counter = (name: string, labels = ''): string => `${name}{${instance}${labels === '' ? '' : `,${labels}`}}`

// A 60-per-minute counter for the whole test, and the same that stops at minute 10.
const STEADY = '0+60x30'
const STOPS = '0+60x10 600x20'

const scenarios: Scenario[] = [
  {
    alert: 'AgentDown',
    series: { 'up{job="agent",instance="agent-0:3000"}': '1x10 0x20' },
    labels: { job: 'agent', instance: 'agent-0:3000' },
    summary: 'Prometheus cannot scrape agent-0:3000 (agent)'
  },
  {
    alert: 'AgentLowRequestRate',
    series: { [counter('http_requests_total', 'method="POST",route="/tasks",status_code="200"')]: STOPS },
    summary: 'The service gets 0 requests a second (alert below 0.05)'
  },
  {
    alert: 'AgentToolErrorRatio',
    series: {
      [counter('agent_tool_calls_total', 'gen_ai_tool_name="calculator",outcome="success"')]: STEADY,
      [counter('agent_tool_calls_total', 'gen_ai_tool_name="calculator",outcome="error"')]: '0x10 30+30x19'
    },
    labels: { gen_ai_tool_name: 'calculator' },
    summary: 'Tool calculator fails 33.33% of its calls'
  },
  {
    alert: 'AgentSlowTools',
    // Calls under a second, then between 1 and 10 seconds: p95 = 1 + 9 × 0.95.
    series: {
      [counter('gen_ai_execute_tool_duration_seconds_bucket', 'gen_ai_tool_name="calculator",le="1"')]: STOPS,
      [counter('gen_ai_execute_tool_duration_seconds_bucket', 'gen_ai_tool_name="calculator",le="10"')]: STEADY,
      [counter('gen_ai_execute_tool_duration_seconds_bucket', 'gen_ai_tool_name="calculator",le="+Inf"')]: STEADY,
      [counter('gen_ai_execute_tool_duration_seconds_count', 'gen_ai_tool_name="calculator"')]: STEADY
    },
    labels: { gen_ai_tool_name: 'calculator' },
    summary: 'Tool calculator takes 9.55s at p95 (alert above 5s)'
  },
  {
    alert: 'AgentLowCacheHitRatio',
    series: {
      [counter('agent_cache_requests_total', 'cache="answers",result="hit"')]: STOPS,
      [counter('agent_cache_requests_total', 'cache="answers",result="miss"')]: '0+20x30'
    },
    labels: { cache: 'answers' },
    summary: 'Cache answers hits 0% of lookups (alert below 20%)'
  },
  {
    alert: 'AgentHighMemory',
    series: { [counter('process_resident_memory_bytes')]: '200000000x10 600000000x20' },
    labels: { job: 'agent', instance: 'agent-0:3000', environment: 'production' },
    summary: 'Resident memory 600MB on agent-0:3000'
  },
  {
    alert: 'AgentHighCpu',
    // A tenth of a core, then 0.95.
    series: { [counter('process_cpu_user_seconds_total')]: '0+6x10 117+57x19' },
    labels: { instance: 'agent-0:3000' },
    summary: 'CPU use 95% of a core on agent-0:3000 (alert above 90%)'
  },
  {
    alert: 'AgentTaskFailureRatio',
    series: {
      [counter('agent_tasks_total', 'status="completed"')]: STEADY,
      [counter('agent_tasks_total', 'status="failed"')]: '0x10 30+30x19'
    },
    summary: '33.33% of tasks failed'
  },
  {
    alert: 'AgentPipelineFailures',
    series: { [counter('agent_tasks_dead_lettered_total', 'error_type="UPSTREAM_TIMEOUT"')]: '0x10 6+6x19' },
    summary: 'Tasks go to the dead-letter queue at 0.10 a second'
  },
  {
    alert: 'AgentSlowPipeline',
    // Tasks under a second, then between 30 and 60 seconds: p95 = 30 + 30 × 0.95.
    series: {
      [counter('agent_task_duration_seconds_bucket', 'status="completed",le="1"')]: STOPS,
      [counter('agent_task_duration_seconds_bucket', 'status="completed",le="30"')]: STOPS,
      [counter('agent_task_duration_seconds_bucket', 'status="completed",le="60"')]: STEADY,
      [counter('agent_task_duration_seconds_bucket', 'status="completed",le="+Inf"')]: STEADY,
      [counter('agent_task_duration_seconds_count', 'status="completed"')]: STEADY
    },
    summary: 'Tasks take 58.5s at p95 (alert above 20s)'
  },
  {
    alert: 'AgentQueueBacklog',
    // A full dead-letter queue is no backlog of the task queue.
    series: {
      [counter('agent_queue_size', 'queue="tasks"')]: '0x10 150x20',
      [counter('agent_queue_size', 'queue="dead-letter"')]: '500x30'
    },
    summary: '150 tasks wait in the queue (alert above 100)'
  },
  {
    alert: 'AgentCostSpike',
    // 0.6 dollars an hour, then 36.
    series: { [counter('agent_llm_cost_usd_total', 'gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"')]: '0+0.01x10 0.7+0.6x19' },
    summary: 'Model spend runs at 0.0100 USD a second (alert above 5 USD an hour)'
  },
  {
    alert: 'AgentTokenUsageSpike',
    // 100 tokens a second, then 10,000. The cached ones are part of the input: 4,950 a second of
    // them, counted again, would fire while healthy.
    series: {
      [counter('gen_ai_client_token_usage_sum', 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_token_type="input"')]: '0+6000x10 660000+600000x19',
      [counter('gen_ai_client_token_usage_sum', 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_token_type="cache_read"')]: '0+297000x29'
    },
    summary: 'Models use 10k tokens a second (alert above 5000)'
  }
]

const isNative = (rule: Rule): boolean => 'nativeHistogram' in rule && rule.nativeHistogram === true

test('promtool test rules: every alert of the exported catalogue stays quiet while healthy and fires under its condition', async (t) => {
  const rules = new Map(prometheusRules().map((rule) => [rule.name, rule]))
  const dir = await mkdtemp(join(tmpdir(), 'obs-agent-catalogue-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  // promtool 2.42 cannot write a native histogram in a test's input series. The rules over the
  // service's native duration histograms are tested here in their classic form (the same rules,
  // exported with nativeHistograms: false), and in their native form, as the checked-in file has
  // them, by a real Prometheus in alert-catalogue-native.test.ts.
  const classicFile = join(dir, 'classic.rules.yml')
  await writeFile(classicFile, exportRules(prometheusRules({ nativeHistograms: false }), RULE_EXPORT).yaml)
  const native = scenarios.filter((scenario) => isNative(rules.get(scenario.alert)!))
  t.same(native.map((s) => s.alert), ['AgentSlowTools', 'AgentSlowPipeline'], 'the latency rules over native histograms')
  for (const [ruleFile, cases] of [
    [join(AGENT_ROOT, 'deploy/prometheus/rules/agent.rules.yml'), scenarios.filter((s) => !native.includes(s))],
    [classicFile, native]
  ] as const) {
    await runScenarios(t, dir, ruleFile, cases, rules)
  }
  const covered = new Set(scenarios.map((s) => s.alert))
  const untested = [...rules.keys()].filter((name) => !covered.has(name) && !['AgentHighErrorRatio', 'AgentSlowAnswers', 'AgentAvailability'].includes(name))
  t.same(untested, [], 'every rule of the catalogue has a scenario (the first four are older, AgentHighErrorRatio is seen firing in the stack test)')
})

async function runScenarios (t: Test, dir: string, ruleFile: string, cases: readonly Scenario[], rules: ReadonlyMap<string, Rule>): Promise<void> {
  const promtoolTest = {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: cases.map((scenario) => {
      const rule = rules.get(scenario.alert)!
      return {
        interval: '1m',
        input_series: Object.entries(scenario.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          { eval_time: '10m', alertname: scenario.alert, exp_alerts: [] },
          {
            eval_time: '20m',
            alertname: scenario.alert,
            exp_alerts: [{
              exp_labels: { ...rule.labels, severity: rule.severity, ...scenario.labels },
              exp_annotations: { summary: scenario.summary, description: rule.description, runbook_url: runbookUrl(scenario.alert) }
            }]
          }
        ]
      }
    })
  }
  const testFile = join(dir, `${cases[0]!.alert}.test.yml`)
  await writeFile(testFile, stringify(promtoolTest, { lineWidth: 0 }))
  const result = await testRules(testFile)
  t.equal(result.code, 0, `promtool test rules over ${ruleFile}:\n${(result.stdout + result.stderr).slice(0, 8000)}`)
}
