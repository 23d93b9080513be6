// The alert catalogue as the in-process engine runs it, over the service's real metrics: each
// rule stays quiet while its condition does not hold and fires once it has held for the rule's
// `for` (2 minutes), on a manual clock that the test moves 15 s at a time.
import { test, type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { AlertLimits } from '../src/alert-rules.js'
import type { AgentConfig } from '../src/config.js'
import { SimulatedProvider } from '../src/llm/simulated-provider.js'
import { ask, buildTestApp } from './helpers.js'

const STEP = 15_000

interface Catalogue {
  app: FastifyInstance
  /** Evaluates every 15 s of the manual clock for `minutes`, calling `each` before every step. */
  run (minutes: number, each?: () => unknown): Promise<void>
  /** Firing alerts of a rule. */
  firing (name: string): Array<{ labels: Record<string, string>, annotations: Record<string, string> }>
}

async function catalogue (t: Test, overrides: Partial<AgentConfig> = {}, options: { provider?: SimulatedProvider, limits?: Partial<AlertLimits> } = {}): Promise<Catalogue> {
  let now = Date.parse('2026-12-01T00:00:00Z')
  const { app } = await buildTestApp(overrides, {
    ...(options.provider === undefined ? {} : { provider: options.provider }),
    alerting: { now: () => now, ...(options.limits === undefined ? {} : { limits: options.limits }) }
  })
  t.teardown(() => app.close())
  await app.alerts.evaluate()
  return {
    app,
    async run (minutes, each) {
      for (let i = 0; i < (minutes * 60_000) / STEP; i++) {
        await each?.()
        now += STEP
        await app.alerts.evaluate()
      }
    },
    firing: (name) => app.alerts.active().filter((alert) => alert.name === name && alert.state === 'firing')
  }
}

/** Keeps this thread busy for 30 ms of wall time. */
function spendCpu (): void {
  const until = performance.now() + 30
  while (performance.now() < until);
}

const ruleLabels = (severity: string) => ({ alertname: undefined, team: 'agent', service: 'agent', severity })

test('AgentToolErrorRatio: the calculator fails on every division by zero', async (t) => {
  const { app, run, firing } = await catalogue(t)
  await ask(app, 'What is 12 * 7 in requests per second?')
  await run(2.5)
  t.same(firing('AgentToolErrorRatio'), [], 'quiet while the tool works')
  for (let i = 0; i < 12; i++) await ask(app, 'What is 5 / 0 errors per request?')
  await run(2.5)
  const [alert] = firing('AgentToolErrorRatio')
  t.match(alert?.labels, { ...ruleLabels('warning'), alertname: 'AgentToolErrorRatio', gen_ai_tool_name: 'calculator' })
  t.match(alert?.annotations.runbook_url, /docs\/runbooks\.md#agenttoolerrorratio$/)
})

test('AgentSlowTools: tool calls that take 30 s', async (t) => {
  const { app, run, firing } = await catalogue(t)
  for (let i = 0; i < 6; i++) app.metrics.agent.recordToolCall({ tool: 'search', durationSeconds: 0.2 })
  await run(2.5)
  t.same(firing('AgentSlowTools'), [], 'quiet while tools are fast')
  for (let i = 0; i < 120; i++) app.metrics.agent.recordToolCall({ tool: 'search', durationSeconds: 30 })
  await run(2.5)
  t.match(firing('AgentSlowTools'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentSlowTools', gen_ai_tool_name: 'search' } }])
})

test('AgentLowCacheHitRatio: questions that never repeat', async (t) => {
  const { app, run, firing } = await catalogue(t)
  for (let i = 0; i < 25; i++) await ask(app, 'What is an SLO burn rate?')
  await run(2.5)
  t.same(firing('AgentLowCacheHitRatio'), [], 'quiet while questions repeat')
  for (let i = 0; i < 200; i++) await ask(app, `What is an SLO burn rate, question ${i}?`)
  await run(2.5)
  t.match(firing('AgentLowCacheHitRatio'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentLowCacheHitRatio', cache: 'answers' } }])
})

test('AgentTaskFailureRatio, AgentPipelineFailures: a model that fails every call', async (t) => {
  const provider = new SimulatedProvider({ failureRate: 0, latencyScale: 0.002, seed: 9 })
  const { app, run, firing } = await catalogue(t, {}, { provider })
  for (let i = 0; i < 10; i++) await ask(app, `What is an exemplar? (${i})`)
  await run(2.5)
  t.same([...firing('AgentTaskFailureRatio'), ...firing('AgentPipelineFailures')], [], 'quiet while tasks complete')
  provider.failureRate = 1
  for (let i = 0; i < 10; i++) await ask(app, `What is a burn rate? (${i})`)
  await run(2.5)
  t.match(firing('AgentTaskFailureRatio'), [{ labels: { ...ruleLabels('error'), alertname: 'AgentTaskFailureRatio' } }], 'half the tasks failed')
  t.match(firing('AgentPipelineFailures'), [{ labels: { ...ruleLabels('error'), alertname: 'AgentPipelineFailures' } }], 'and were dead-lettered')
})

test('AgentSlowPipeline: tasks that take a minute', async (t) => {
  const { app, run, firing } = await catalogue(t)
  for (let i = 0; i < 12; i++) await ask(app, 'What is an SLO burn rate?')
  await run(2.5)
  t.same(firing('AgentSlowPipeline'), [], 'quiet while tasks are fast')
  for (let i = 0; i < 240; i++) app.metrics.agent.recordTask('completed', 60)
  await run(2.5)
  t.match(firing('AgentSlowPipeline'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentSlowPipeline' } }])
})

test('AgentQueueBacklog: 150 tasks waiting; a full dead-letter queue is no backlog', async (t) => {
  const { app, run, firing } = await catalogue(t)
  app.metrics.agent.setQueueSize('dead-letter', 500)
  await run(2.5)
  t.same(firing('AgentQueueBacklog'), [], 'quiet with 500 dead letters')
  app.metrics.agent.setQueueSize('tasks', 150)
  await run(2.5)
  t.match(firing('AgentQueueBacklog'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentQueueBacklog' }, annotations: { summary: '150 tasks wait in the queue (alert above 100)' } }])
})

test('AgentCostSpike, AgentTokenUsageSpike: a model call of ten million tokens and 1,000 dollars', async (t) => {
  const { app, run, firing } = await catalogue(t)
  for (let i = 0; i < 5; i++) await ask(app, `What is an exemplar? (${i})`)
  await run(2.5)
  t.same([...firing('AgentCostSpike'), ...firing('AgentTokenUsageSpike')], [], 'quiet at the demo\'s spend')
  app.metrics.agent.recordLlmCall({ model: 'sim-large', provider: 'simulated', durationSeconds: 1, inputTokens: 10_000_000, costUsd: 1000 })
  await run(2.5)
  t.match(firing('AgentCostSpike'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentCostSpike' } }])
  t.match(firing('AgentTokenUsageSpike'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentTokenUsageSpike' } }])
})

test('AgentLowRequestRate: the traffic stops', async (t) => {
  const { app, run, firing } = await catalogue(t)
  // Two requests every 15 s (0.13 a second) for longer than the window and the hold.
  await run(8, () => Promise.all([app.inject('/tasks?limit=1'), app.inject('/tasks?limit=1')]))
  t.same(firing('AgentLowRequestRate'), [], 'quiet with traffic')
  await run(8)
  t.match(firing('AgentLowRequestRate'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentLowRequestRate' } }])
})

test('AgentHighMemory, AgentHighCpu: this process, under its limits and then past them', async (t) => {
  // The limits of a big machine (a test process under coverage can use more than the 460 MiB default).
  const quiet = await catalogue(t, {}, { limits: { memoryBytes: 64 * 2 ** 30, cpuCores: 64 } })
  await quiet.run(2.5)
  t.same([...quiet.firing('AgentHighMemory'), ...quiet.firing('AgentHighCpu')], [], 'quiet under its limits')

  // Any resident memory and any CPU time are past these. The kernel accounts user time in
  // scheduler ticks, so each step spends a few ticks' worth: an idle step may not move the counter.
  const past = await catalogue(t, {}, { limits: { memoryBytes: 1, cpuCores: 0 } })
  await past.run(3, spendCpu)
  t.match(past.firing('AgentHighMemory'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentHighMemory' } }])
  t.match(past.firing('AgentHighCpu'), [{ labels: { ...ruleLabels('warning'), alertname: 'AgentHighCpu' } }])
})
