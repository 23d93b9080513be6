import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp, scrapeSamples } from './helpers.js'

test('model calls: duration, outcome, errors by type, tokens by type and cost', async (t) => {
  const app = await buildApp()
  const { agent } = app.metrics
  agent.recordLlmCall({ model: 'gpt-4o-mini', provider: 'openai', durationSeconds: 1.5, inputTokens: 800, outputTokens: 200, costUsd: 0.0006 })
  agent.recordLlmCall({ model: 'gpt-4o-mini', provider: 'openai', durationSeconds: 0.2, error: Object.assign(new Error('x'), { code: 'RATE_LIMITED' }) })
  agent.recordLlmCall({ model: 'text-embedding-3-small', provider: 'openai', operation: 'embeddings', durationSeconds: 0.05, inputTokens: 12 })

  const s = await scrapeSamples(app)
  const chat = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"'
  t.equal(s.get(`gen_ai_client_operation_duration_seconds_count{${chat}}`), 2)
  t.equal(s.get(`gen_ai_client_calls_total{${chat},outcome="success"}`), 1)
  t.equal(s.get(`gen_ai_client_calls_total{${chat},outcome="error"}`), 1)
  t.equal(s.get('gen_ai_client_errors_total{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",error_type="RATE_LIMITED"}'), 1)
  t.equal(s.get(`gen_ai_client_token_usage_sum{${chat},gen_ai_token_type="input"}`), 800)
  t.equal(s.get(`gen_ai_client_token_usage_bucket{${chat},gen_ai_token_type="input",le="1024"}`), 1)
  t.equal(s.get(`gen_ai_client_token_usage_bucket{${chat},gen_ai_token_type="input",le="256"}`), 0)
  t.equal(s.get('gen_ai_client_cost_usd_total{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"}'), 0.0006)
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
  t.equal((await scrapeSamples(app)).get('gen_ai_tool_calls_active{gen_ai_tool_name="web_search"}'), 1)
  release()
  t.same(await running, ['x'])
  t.throws(() => broken(), RangeError)
  agent.recordToolCall({ tool: 'web_search', durationSeconds: 0.3 })

  const s = await scrapeSamples(app)
  t.equal(s.get('gen_ai_tool_calls_active{gen_ai_tool_name="web_search"}'), 0)
  t.equal(s.get('gen_ai_tool_calls_total{gen_ai_tool_name="web_search",outcome="success"}'), 2)
  t.equal(s.get('gen_ai_tool_calls_total{gen_ai_tool_name="calculator",outcome="error"}'), 1)
  t.equal(s.get('gen_ai_tool_errors_total{gen_ai_tool_name="calculator",error_type="RangeError"}'), 1)
  t.equal(s.get('gen_ai_tool_duration_seconds_count{gen_ai_tool_name="web_search"}'), 2)
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
