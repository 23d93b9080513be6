import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp, scrapeSamples } from './helpers.js'

test('an async function keeps its result, and its duration and outcome are recorded', async (t) => {
  const app = await buildApp()
  const search = app.metrics.timed('search', async (query: string) => { await sleep(20); return `found ${query}` })
  t.equal(await search('cats'), 'found cats')
  t.equal(await search('dogs'), 'found dogs')
  const s = await scrapeSamples(app)
  t.equal(s.get('operation_duration_seconds_count{operation="search",outcome="success"}'), 2)
  t.equal(s.get('operation_duration_seconds_bucket{operation="search",outcome="success",le="0.01"}'), 0)
  // Two 20 ms sleeps; Node's millisecond timers may fire up to a millisecond early each.
  t.ok(s.get('operation_duration_seconds_sum{operation="search",outcome="success"}')! >= 0.038)
  t.equal(s.get('operations_in_flight{operation="search"}'), 0)
})

test('errors are rethrown unchanged and counted by type, for rejections, throws and non-Errors', async (t) => {
  const app = await buildApp()
  const failing = app.metrics.timed('llm', async () => { throw Object.assign(new Error('slow down'), { code: 'RATE_LIMITED' }) })
  const throwingSync = app.metrics.timed('parse', (text: string) => JSON.parse(text) as unknown)
  const throwingString = app.metrics.timed('odd', async () => { throw 'just a string' }) // eslint-disable-line no-throw-literal
  await t.rejects(failing(), { code: 'RATE_LIMITED' })
  t.throws(() => throwingSync('{nope'), SyntaxError)
  t.same(throwingSync('{"a":1}'), { a: 1 }, 'sync functions stay sync')
  await t.rejects(throwingString(), 'just a string')
  const s = await scrapeSamples(app)
  t.equal(s.get('operation_errors_total{operation="llm",error_type="RATE_LIMITED"}'), 1)
  t.equal(s.get('operation_errors_total{operation="parse",error_type="SyntaxError"}'), 1)
  t.equal(s.get('operation_errors_total{operation="odd",error_type="Error"}'), 1)
  t.equal(s.get('operation_duration_seconds_count{operation="parse",outcome="success"}'), 1)
  t.equal(s.get('operation_duration_seconds_count{operation="parse",outcome="error"}'), 1)
})

test('in-flight count while running, and `this` is passed through', async (t) => {
  const app = await buildApp()
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const agent = {
    name: 'critic',
    run: app.metrics.timed('critique', async function (this: { name: string }) { await gate; return this.name })
  }
  const running = [agent.run(), agent.run()]
  t.equal((await scrapeSamples(app)).get('operations_in_flight{operation="critique"}'), 2)
  release()
  t.same(await Promise.all(running), ['critic', 'critic'])
  t.equal((await scrapeSamples(app)).get('operations_in_flight{operation="critique"}'), 0)
})

test('token usage read from the result goes to the GenAI token metrics; a failing reader never fails the call', async (t) => {
  const app = await buildApp()
  const complete = app.metrics.timed('chat', async () => ({ text: 'hi', usage: { prompt: 120, completion: 30 } }), {
    tokens: (result) => ({ model: 'gpt-test', provider: 'openai', inputTokens: result.usage.prompt, outputTokens: result.usage.completion, costUsd: 0.002 })
  })
  await complete()
  const broken = app.metrics.timed('chat2', async () => null, { tokens: (result) => ({ model: (result as unknown as { m: string }).m }) })
  const warnings: unknown[] = []
  app.log.warn = ((...args: unknown[]) => { warnings.push(args) }) as typeof app.log.warn
  t.equal(await broken(), null)
  t.equal(warnings.length, 1)

  const s = await scrapeSamples(app)
  const labels = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-test"'
  t.equal(s.get(`gen_ai_client_token_usage_sum{${labels},gen_ai_token_type="input"}`), 120)
  t.equal(s.get(`gen_ai_client_token_usage_sum{${labels},gen_ai_token_type="output"}`), 30)
  t.equal(s.get('agent_llm_cost_usd_total{gen_ai_provider_name="openai",gen_ai_request_model="gpt-test"}'), 0.002)
})

test('bad arguments are coded errors when wrapping, not when calling', async (t) => {
  const app = await buildApp()
  t.throws(() => app.metrics.timed('', async () => 1), { code: 'OBS_METRICS_INVALID_OPTION' })
  t.throws(() => app.metrics.timed('x', 'not a function' as unknown as () => void), { code: 'OBS_METRICS_INVALID_OPTION' })
})
