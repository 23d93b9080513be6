import t0, { test } from 'tap'
import { initTracing } from '@obs/tracing'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { loggerOptions } from '@obs/tracing'
import { CRITIC_SYSTEM } from '../src/critic.js'
import { type CompletionRequest, ProviderError } from '../src/llm/provider.js'
import { SimulatedProvider } from '../src/llm/simulated-provider.js'
import { samples } from '@obs/test-support/exposition'
import { ask, buildTestApp } from './helpers.js'

const spans = new InMemorySpanExporter()
const sdk = initTracing({ serviceName: 'agent-test', spanProcessors: [new SimpleSpanProcessor({ exporter: spans })], instrumentations: false })
t0.teardown(() => sdk.shutdown())

test('a task runs the whole pipeline: search, model, tools, critic', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const response = await ask(app, 'What is 12 * 7 in requests per second, and what is a burn rate?')
  t.equal(response.statusCode, 200)
  const { task } = response.json()
  t.equal(task.status, 'completed')
  t.ok(task.answer.length > 0)
  t.ok(task.sources.includes('slo'))
  t.same(task.tools, [{ tool: 'calculator', input: '12 * 7', output: '84' }])
  t.ok(task.score > 0 && task.score <= 1)
  t.equal(response.headers['x-trace-id'], task.traceId, 'the trace id of the request is on the task')
  t.equal(response.headers.location, `/tasks/${task.id}`)
})

test('the pipeline steps are spans of the request trace', async (t) => {
  spans.reset()
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const { task } = (await ask(app, 'What time is it now for the on-call?')).json()
  const trace = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === task.traceId)
  const byName = new Map(trace.map((span) => [span.name, span]))
  const names = ['POST /tasks', 'agent.task', 'agent.validate', 'agent.search', 'invoke_agent answerer', 'chat sim-small', 'execute_tool clock', 'invoke_agent critic']
  for (const name of names) t.ok(byName.has(name), name)
  const idOf = (name: string): string => byName.get(name)!.spanContext().spanId
  const parentOf = (name: string): string | undefined => byName.get(name)?.parentSpanContext?.spanId
  t.equal(parentOf('agent.task'), idOf('POST /tasks'), 'the task span is a child of the server span')
  for (const step of ['agent.validate', 'agent.search', 'invoke_agent answerer', 'invoke_agent critic']) {
    t.equal(parentOf(step), idOf('agent.task'), `${step} is a child of the task span`)
  }
  t.equal(parentOf('execute_tool clock'), idOf('invoke_agent answerer'), 'the answerer runs the tools')
  const chats = trace.filter((span) => span.name === 'chat sim-small')
  t.same(chats.map((span) => span.parentSpanContext?.spanId).sort(), [idOf('invoke_agent answerer'), idOf('invoke_agent critic')].sort(),
    'each agent makes its model call')
  for (const chat of chats) {
    t.equal(chat.kind, SpanKind.CLIENT)
    t.match(chat.attributes, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'simulated', 'gen_ai.request.model': 'sim-small', 'gen_ai.response.model': 'sim-small' })
    t.ok(Number(chat.attributes['gen_ai.usage.output_tokens']) > 0)
    t.ok(Number(chat.attributes['gen_ai.usage.cache_read.input_tokens']) > 0, 'the simulated provider reports its prompt cache')
  }
  t.equal(byName.get('invoke_agent answerer')!.kind, SpanKind.INTERNAL)
  t.match(byName.get('invoke_agent answerer')!.attributes, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'answerer', 'gen_ai.provider.name': 'simulated' })
  t.match(byName.get('execute_tool clock')!.attributes, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'clock' })
})

test('submitted without waiting: 202, then readable and listed', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const submitted = await ask(app, 'What makes a good alert?', false)
  t.equal(submitted.statusCode, 202)
  const { id } = submitted.json().task
  let task
  for (let i = 0; i < 100; i++) {
    task = (await app.inject(`/tasks/${id}`)).json().task
    if (task.status === 'completed') break
    await sleep(10)
  }
  t.equal(task.status, 'completed')
  const list = (await app.inject('/tasks?status=completed')).json().tasks
  t.ok(list.some((x: { id: string }) => x.id === id))
  const missing = await app.inject('/tasks/00000000-0000-0000-0000-000000000000')
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'TASK_NOT_FOUND')
})

test('bad input: rejected tasks are 422, invalid requests 400', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const short = await ask(app, 'hi')
  t.equal(short.statusCode, 422)
  t.equal(short.json().task.error.code, 'TASK_REJECTED')
  const secret = await ask(app, 'my api_key: sk-123, is it valid?')
  t.equal(secret.statusCode, 422)
  t.equal((await ask(app, 'which model?', true, 'no-such-model')).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/tasks', payload: {} })).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/tasks', payload: { query: 'x'.repeat(2001) } })).statusCode, 400)
  t.equal((await app.inject('/tasks?limit=0')).statusCode, 400)
})

test('model failures: retried once, then the task fails with the provider error and a 502', async (t) => {
  const { app } = await buildTestApp({ llmFailureRate: 1 })
  t.teardown(() => app.close())
  const response = await ask(app, 'What is an exemplar?')
  t.equal(response.statusCode, 502)
  const { task } = response.json()
  t.equal(task.status, 'failed')
  t.match(task.error.code, /^(RATE_LIMITED|UPSTREAM_TIMEOUT|SERVER_ERROR)$/)
  const s = samples((await app.inject('/metrics')).body)
  const calls = [...s].filter(([key]) => key.startsWith('agent_llm_calls_total{') && key.includes('outcome="error"')).reduce((sum, [, v]) => sum + v, 0)
  t.equal(calls, 2, 'two attempts')
  t.equal(s.get('agent_tasks_total{status="failed",service="agent",environment="dev"}'), 1)
  t.equal(s.get('agent_llm_calls_by_agent_total{agent="answerer",gen_ai_request_model="sim-small",outcome="error",service="agent",environment="dev"}'), 2, 'by the answerer')
  t.equal(s.get('agent_tasks_dead_lettered_total{error_type="' + task.error.code + '",service="agent",environment="dev"}'), 1, 'failed every retry: dead-lettered')
  const ready = (await app.inject('/health/ready')).json()
  t.equal(ready.status, 'degraded', 'the model is a non-critical dependency')
  t.equal(ready.checks.llm.status, 'fail')
})

test('a full queue answers 503 with Retry-After', async (t) => {
  const slow = new SimulatedProvider({ latencyScale: 0.5, failureRate: 0, seed: 3 })
  const { app } = await buildTestApp({ workers: 1, queueCapacity: 1 }, { provider: slow })
  t.teardown(() => app.close())
  // One worker busy with the first, the second waiting in the only place: the third is refused.
  t.equal((await ask(app, 'What is a burn rate? (1)', false)).statusCode, 202)
  t.equal((await ask(app, 'What is a burn rate? (2)', false)).statusCode, 202)
  const third = await ask(app, 'What is a burn rate? (3)', false)
  t.equal(third.statusCode, 503)
  t.equal(third.headers['retry-after'], '5')
  t.equal(third.json().code, 'QUEUE_FULL')
})

test('the agent metrics are real: cache hits, tokens, cost, tools, queue, tasks, quality', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  await ask(app, 'What is 5 / 0 errors per request?')
  await ask(app, 'What is 5 / 0 errors per request?')
  const s = samples((await app.inject('/metrics')).body)
  const sum = (prefix: string): number => [...s].filter(([key]) => key.startsWith(prefix)).reduce((total, [, v]) => total + v, 0)
  const labels = 'service="agent",environment="dev"'
  t.equal(s.get(`agent_cache_requests_total{cache="answers",result="miss",${labels}}`), 1)
  t.equal(s.get(`agent_cache_requests_total{cache="answers",result="hit",${labels}}`), 1)
  t.ok(sum('gen_ai_client_token_usage_sum{') > 0)
  t.ok(sum('agent_llm_cost_usd_total{') > 0)
  t.ok(sum('gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="simulated",gen_ai_request_model="sim-small",gen_ai_response_model="sim-small",gen_ai_token_type="cache_read"') > 0)
  t.equal(s.get(`gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="calculator",gen_ai_agent_name="answerer",error_type="DIVISION_BY_ZERO",${labels}}`), 2,
    'the tool the cached answer asks for runs again: two executions, each failed')
  t.equal(sum('gen_ai_invoke_agent_duration_seconds_count{gen_ai_agent_name="answerer"'), 2)
  t.equal(sum('gen_ai_invoke_agent_duration_seconds_count{gen_ai_agent_name="critic"'), 2)
  t.equal(s.get(`agent_tool_errors_total{gen_ai_tool_name="calculator",error_type="DIVISION_BY_ZERO",${labels}}`), 2)
  t.equal(s.get(`agent_queue_size{queue="tasks",${labels}}`), 0)
  t.equal(s.get(`agent_tasks_total{status="completed",${labels}}`), 2)
  t.equal(s.get(`agent_quality_score_count{${labels}}`), 2)
  // Which agent called the model: the answerer once (the second answer came from the cache), the critic for each task.
  t.equal(s.get(`agent_llm_calls_by_agent_total{agent="answerer",gen_ai_request_model="sim-small",outcome="success",${labels}}`), 1)
  t.equal(s.get(`agent_llm_calls_by_agent_total{agent="critic",gen_ai_request_model="sim-small",outcome="success",${labels}}`), 2)
  t.equal(s.get(`agent_task_duration_by_type_seconds_count{task_type="calculation",status="completed",${labels}}`), 2)
  t.equal(s.get(`agent_cache_entries{cache="answers",${labels}}`), 1, 'the cache size, read at scrape time')
  t.equal(s.get(`agent_queue_size{queue="dead-letter",${labels}}`), 0)
  t.equal(s.get(`http_requests_total{method="POST",route="/tasks",status_code="200",${labels}}`), 2)
  t.ok((await app.inject('/alerts')).statusCode === 200)
})

test('every request log line carries the trace id, and secrets are redacted', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({ write (chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done() } })
  const { app } = await buildTestApp({}, { logger: { ...loggerOptions({ serviceName: 'agent-test' }), stream } })
  t.teardown(() => app.close())
  const response = await app.inject({ method: 'POST', url: '/tasks?wait=true', payload: { query: 'What is a good alert?' }, headers: { authorization: 'Bearer top-secret' } })
  const traceId = response.json().task.traceId
  const mine = lines.filter((line) => line.reqId !== undefined)
  t.ok(mine.length >= 2)
  t.ok(mine.every((line) => line.trace_id === traceId), 'incoming and completed lines carry it')
  t.notMatch(JSON.stringify(lines), /top-secret/)
})

test('a model that does not answer in time: an UPSTREAM_TIMEOUT, retried once, whatever the provider throws', async (t) => {
  let calls = 0
  const hanging = {
    name: 'hanging',
    async complete (_request: unknown, signal: AbortSignal): Promise<never> {
      calls++
      // As timers/promises and fetch do: an AbortError, the TimeoutError being only its cause.
      return await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new DOMException('The operation was aborted', 'AbortError'))))
    },
    async ping (): Promise<void> {}
  }
  const { app } = await buildTestApp({ llmTimeoutMs: 30 }, { provider: hanging })
  t.teardown(() => app.close())
  const response = await ask(app, 'What is a burn rate?')
  t.equal(response.statusCode, 502)
  t.equal(response.json().task.error.code, 'UPSTREAM_TIMEOUT')
  t.equal(calls, 2, 'retried once')
  const s = samples((await app.inject('/metrics')).body)
  t.equal(s.get('agent_llm_errors_total{gen_ai_provider_name="hanging",gen_ai_request_model="sim-small",error_type="UPSTREAM_TIMEOUT",service="agent",environment="dev"}'), 2)
})

test('a critic that fails leaves the answer unscored, and the task completed', async (t) => {
  const simulated = new SimulatedProvider({ failureRate: 0, latencyScale: 0.002, seed: 5 })
  const noCritic = {
    name: 'simulated',
    complete: (request: CompletionRequest, signal: AbortSignal) => request.system === CRITIC_SYSTEM
      ? Promise.reject(new ProviderError('SERVER_ERROR', 'the provider answered 500', true))
      : simulated.complete(request, signal),
    ping: (signal: AbortSignal) => simulated.ping(signal)
  }
  const { app } = await buildTestApp({}, { provider: noCritic })
  t.teardown(() => app.close())
  const response = await ask(app, 'What is an SLO burn rate?')
  t.equal(response.statusCode, 200)
  const { task } = response.json()
  t.equal(task.status, 'completed')
  t.ok(task.answer.length > 0)
  t.equal(task.score, undefined)
  const s = samples((await app.inject('/metrics')).body)
  t.equal(s.get('agent_llm_calls_by_agent_total{agent="critic",gen_ai_request_model="sim-small",outcome="error",service="agent",environment="dev"}'), 2, 'retried once')
  t.equal(s.get('agent_quality_score_count{service="agent",environment="dev"}'), 0)
})

test('one @obs/setup call: every part, the service name on the metrics, disk space of DISK_PATHS', async (t) => {
  const { app } = await buildTestApp({ diskPaths: ['/'] })
  t.teardown(() => app.close())
  t.same(app.obsSetup.registered, ['metrics', 'tracing', 'health', 'alerts', 'console'])
  t.equal(app.obsSetup.serviceName, 'agent')
  const s = samples((await app.inject('/metrics')).body)
  t.ok(s.get('disk_free_bytes{path="/",service="agent",environment="dev"}')! > 0)
  t.ok(s.get('disk_size_bytes{path="/",service="agent",environment="dev"}')! >= s.get('disk_free_bytes{path="/",service="agent",environment="dev"}')!)
})

test('the console is under /obs/, / redirects there, and a task\'s trace is in it', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const root = await app.inject('/')
  t.equal(root.statusCode, 302)
  t.equal(root.headers.location, '/obs/')
  t.equal((await app.inject('/obs/')).statusCode, 200)
  const { task } = (await ask(app, 'What is 12 * 7 in requests per second?')).json()
  const traces = (await app.inject('/obs/api/traces?route=/tasks')).json().traces as Array<{ traceId: string, spans: number }>
  t.ok((traces.find((trace) => trace.traceId === task.traceId)?.spans ?? 0) > 1, 'the task\'s trace, pipeline spans included')
})
