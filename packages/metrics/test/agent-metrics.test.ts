import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { hasNativeHistograms } from '../src/index.js'
import { buildApp, scrapeSamples } from './helpers.js'

test('model calls: duration, outcome, errors by type, tokens by type and cost', async (t) => {
  const app = await buildApp()
  const { agent } = app.metrics
  agent.recordLlmCall({ model: 'gpt-4o-mini', provider: 'openai', durationSeconds: 1.5, inputTokens: 800, outputTokens: 200, costUsd: 0.0006 })
  agent.recordLlmCall({ model: 'gpt-4o-mini', provider: 'openai', durationSeconds: 0.2, error: Object.assign(new Error('x'), { code: 'RATE_LIMITED' }) })
  agent.recordLlmCall({ model: 'text-embedding-3-small', provider: 'openai', operation: 'embeddings', durationSeconds: 0.05, inputTokens: 12 })

  const s = await scrapeSamples(app)
  const chat = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"'
  t.equal(s.get(`gen_ai_client_operation_duration_seconds_count{${chat}}`), 1, 'a success has no error_type')
  t.equal(s.get(`gen_ai_client_operation_duration_seconds_count{${chat},error_type="RATE_LIMITED"}`), 1, 'a failure has its error_type')
  t.equal(s.get(`gen_ai_client_operation_duration_seconds_bucket{${chat},le="1.28"}`), 0, 'the conventions\' buckets')
  t.equal(s.get(`gen_ai_client_operation_duration_seconds_bucket{${chat},le="2.56"}`), 1)
  t.equal(s.get(`agent_llm_calls_total{${chat},outcome="success"}`), 1)
  t.equal(s.get(`agent_llm_calls_total{${chat},outcome="error"}`), 1)
  t.equal(s.get('agent_llm_errors_total{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",error_type="RATE_LIMITED"}'), 1)
  t.equal(s.get(`gen_ai_client_token_usage_sum{${chat},gen_ai_token_type="input"}`), 800)
  t.equal(s.get(`gen_ai_client_token_usage_bucket{${chat},gen_ai_token_type="input",le="1024"}`), 1)
  t.equal(s.get(`gen_ai_client_token_usage_bucket{${chat},gen_ai_token_type="input",le="256"}`), 0)
  t.equal(s.get('agent_llm_cost_usd_total{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"}'), 0.0006)
  t.equal(s.get('gen_ai_client_token_usage_count{gen_ai_operation_name="embeddings",gen_ai_provider_name="openai",gen_ai_request_model="text-embedding-3-small",gen_ai_token_type="input"}'), 1)
})

test('tools: a wrapped tool is counted, timed, and active while it runs', async (t) => {
  const app = await buildApp()
  const { agent } = app.metrics
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const search = agent.wrapTool('web_search', async (q: string) => { await gate; return [q] })
  const broken = agent.wrapTool('calculator', () => { throw new RangeError('overflow') })

  const running = search('x')
  t.equal((await scrapeSamples(app)).get('agent_tools_active{gen_ai_tool_name="web_search"}'), 1)
  release()
  t.same(await running, ['x'])
  t.throws(() => broken(), RangeError)
  agent.recordToolCall({ tool: 'web_search', durationSeconds: 0.3 })

  const s = await scrapeSamples(app)
  t.equal(s.get('agent_tools_active{gen_ai_tool_name="web_search"}'), 0)
  t.equal(s.get('agent_tool_calls_total{gen_ai_tool_name="web_search",outcome="success"}'), 2)
  t.equal(s.get('agent_tool_calls_total{gen_ai_tool_name="calculator",outcome="error"}'), 1)
  t.equal(s.get('agent_tool_errors_total{gen_ai_tool_name="calculator",error_type="RangeError"}'), 1)
  t.equal(s.get('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="web_search"}'), 2)
  t.equal(s.get('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="calculator",error_type="RangeError"}'), 1)
  t.equal(s.get('gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="web_search",le="0.01"}'), 1, 'the fast call, in the first bucket')
  t.equal(s.get('gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="web_search",le="0.32"}'), 2, 'the conventions\' buckets, 0.01 to 81.92 s')
  t.equal(s.get('gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="web_search",le="81.92"}'), 2)
})

test('tokens: cache read/write and reasoning as their own token types, response model and agent of a tool', async (t) => {
  const app = await buildApp()
  const { agent } = app.metrics
  agent.recordLlmCall({
    model: 'claude-sonnet',
    responseModel: 'claude-sonnet-20260101',
    provider: 'anthropic',
    durationSeconds: 2,
    inputTokens: 1000,
    outputTokens: 300,
    cacheReadTokens: 600,
    cacheCreationTokens: 100,
    reasoningTokens: 120
  })
  agent.recordLlmCall({ model: 'gpt-4o', provider: 'openai', durationSeconds: 1, inputTokens: -5, outputTokens: NaN, reasoningTokens: 3 })
  const sonnet = 'gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet",gen_ai_response_model="claude-sonnet-20260101"'
  const s = await scrapeSamples(app)
  for (const [type, value] of [['input', 1000], ['output', 300], ['cache_read', 600], ['cache_creation', 100], ['reasoning', 120]] as const) {
    t.equal(s.get(`gen_ai_client_token_usage_sum{${sonnet},gen_ai_token_type="${type}"}`), value, type)
  }
  t.equal(s.get(`gen_ai_client_operation_duration_seconds_count{${sonnet}}`), 1, 'the response model labels the duration too')
  const gpt = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"'
  t.equal(s.get(`gen_ai_client_token_usage_count{${gpt},gen_ai_token_type="input"}`), undefined, 'a negative count is not recorded')
  t.equal(s.get(`gen_ai_client_token_usage_count{${gpt},gen_ai_token_type="output"}`), undefined, 'nor NaN')
  t.equal(s.get(`gen_ai_client_token_usage_sum{${gpt},gen_ai_token_type="reasoning"}`), 3)
  t.equal(s.get(`agent_llm_calls_total{${gpt},outcome="success"}`), 1, 'the call is still counted')

  const lookup = agent.wrapTool('lookup', () => 'found', { agent: 'answerer' })
  lookup()
  t.equal((await scrapeSamples(app)).get('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="lookup",gen_ai_agent_name="answerer"}'), 1)
})

test('agents: invocation duration with the conventions\' buckets, error_type on failures', async (t) => {
  const app = await buildApp()
  const { agent } = app.metrics
  const answer = agent.wrapAgent('answerer', async (q: string) => q.toUpperCase(), { model: 'gpt-4o' })
  t.equal(await answer('x'), 'X')
  const broken = agent.wrapAgent('critic', async () => { throw Object.assign(new Error('no'), { code: 'UPSTREAM_TIMEOUT' }) })
  await t.rejects(broken(), { code: 'UPSTREAM_TIMEOUT' })
  agent.recordAgentInvocation({ agent: 'planner', durationSeconds: 300 })

  const s = await scrapeSamples(app)
  t.equal(s.get('gen_ai_invoke_agent_duration_seconds_count{gen_ai_agent_name="answerer",gen_ai_request_model="gpt-4o"}'), 1)
  t.equal(s.get('gen_ai_invoke_agent_duration_seconds_count{gen_ai_agent_name="critic",error_type="UPSTREAM_TIMEOUT"}'), 1)
  t.equal(s.get('gen_ai_invoke_agent_duration_seconds_bucket{gen_ai_agent_name="planner",le="204.8"}'), 0)
  t.equal(s.get('gen_ai_invoke_agent_duration_seconds_bucket{gen_ai_agent_name="planner",le="409.6"}'), 1, 'buckets 0.1 to 409.6 s')
})

test('a call that is not what its type says gets a coded error, and records nothing', async (t) => {
  const app = await buildApp()
  const { agent } = app.metrics
  const bad: Array<[string, () => void]> = [
    ['no model', () => agent.recordLlmCall({ durationSeconds: 1 } as never)],
    ['an empty model', () => agent.recordLlmCall({ model: '', durationSeconds: 1 })],
    ['a negative duration', () => agent.recordLlmCall({ model: 'm', durationSeconds: -1 })],
    ['NaN duration', () => agent.recordToolCall({ tool: 't', durationSeconds: NaN })],
    ['a non-string provider', () => agent.recordTokens({ model: 'm', provider: 42 as never })],
    ['not an object', () => agent.recordAgentInvocation(null as never)],
    ['an agent without a name', () => agent.wrapAgent('', () => 1)],
    ['a tool that is not a function', () => agent.wrapTool('t', 'x' as never)]
  ]
  for (const [what, call] of bad) t.throws(call, { code: 'OBS_METRICS_INVALID_OPTION' }, what)
  const s = await scrapeSamples(app)
  t.notOk([...s.keys()].some((key) => key.startsWith('gen_ai_') || key.startsWith('agent_llm') || key.startsWith('agent_tool')), 'nothing recorded')
})

test('cache, queue, tasks and quality score', async (t) => {
  const app = await buildApp()
  const { agent } = app.metrics
  agent.cacheHit('embeddings')
  agent.cacheHit('embeddings')
  agent.cacheMiss('embeddings')
  agent.cacheEviction('embeddings', 3)
  agent.setQueueSize('tasks', 7)
  const end = agent.taskStarted()
  t.equal((await scrapeSamples(app)).get('agent_tasks_in_progress'), 1)
  await sleep(10)
  end('completed')
  end('failed') // a second end is ignored
  agent.recordTask('failed', 2)
  agent.recordQualityScore(0.85)
  agent.recordQualityScore(NaN)

  const s = await scrapeSamples(app)
  t.equal(s.get('agent_cache_requests_total{cache="embeddings",result="hit"}'), 2)
  t.equal(s.get('agent_cache_requests_total{cache="embeddings",result="miss"}'), 1)
  t.equal(s.get('agent_cache_evictions_total{cache="embeddings"}'), 3)
  t.equal(s.get('agent_queue_size{queue="tasks"}'), 7)
  t.equal(s.get('agent_tasks_in_progress'), 0)
  t.equal(s.get('agent_tasks_total{status="completed"}'), 1)
  t.equal(s.get('agent_tasks_total{status="failed"}'), 1)
  t.ok(s.get('agent_task_duration_seconds_sum{status="completed"}')! >= 0.009, 'a 10 ms task (timers may fire up to a millisecond early)')
  t.equal(s.get('agent_quality_score_count'), 1, 'NaN scores are ignored')
  t.equal(s.get('agent_quality_score_bucket{le="0.8"}'), 0)
  t.equal(s.get('agent_quality_score_bucket{le="0.9"}'), 1)
})

test('model names from responses are capped like any label', async (t) => {
  const app = await buildApp({ maxLabelSets: 5 })
  for (let i = 0; i < 20; i++) app.metrics.agent.recordLlmCall({ model: `model-${i}`, durationSeconds: 0.1 })
  const s = await scrapeSamples(app)
  t.ok(s.get('obs_metrics_cardinality_overflow_total{metric="gen_ai_client_operation_duration_seconds"}')! >= 15)
})

test('nativeHistograms: the agent\'s duration histograms keep native buckets too; token counts and scores stay classic', async (t) => {
  const app = await buildApp({ nativeHistograms: true })
  const { agent } = app.metrics
  agent.recordLlmCall({ model: 'm', provider: 'p', durationSeconds: 1.5, inputTokens: 10 })
  agent.recordToolCall({ tool: 'search', durationSeconds: 0.2 })
  const native = (name: string): unknown => {
    const metric = app.metrics.registry.getSingleMetric(name)
    return metric !== undefined && hasNativeHistograms(metric) ? metric.nativeHistograms().map((series) => series.histogram.count) : undefined
  }
  t.same(native('gen_ai_client_operation_duration_seconds'), [1], 'model call duration')
  t.same(native('gen_ai_execute_tool_duration_seconds'), [1], 'tool duration')
  t.same(native('gen_ai_invoke_agent_duration_seconds'), [], 'agent duration, no call yet')
  t.same(native('agent_task_duration_seconds'), [], 'task duration')
  t.equal(native('gen_ai_client_token_usage'), undefined, 'token usage: counts, not durations')
  t.equal(native('agent_quality_score'), undefined, 'scores')
})
