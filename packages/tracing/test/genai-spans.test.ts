import { test } from 'tap'
import { GEN_AI, initTracing, setGenAiResponse, setGenAiUsage, withAgentSpan, withChatSpan, withToolSpan } from '../src/index.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { receivedSpans, SPAN_KIND, STATUS_CODE, startTraceReceiver, type WireSpan } from '../../../test-support/otlp-traces.js'

// First, with no SDK at all: the helpers go through the OpenTelemetry API, whose tracer is then
// a no-op, and the wrapped work runs as it would without them.
test('without an SDK the helpers are no-ops that still run the work and pass errors through', async (t) => {
  t.equal(withChatSpan({ model: 'm', provider: 'p' }, (span) => {
    t.notOk(span.isRecording(), 'a non-recording span')
    setGenAiUsage(span, { inputTokens: 1 })
    return 'answer'
  }), 'answer')
  t.equal(await withAgentSpan({ agent: 'a', provider: 'p' }, async () => 42), 42)
  t.throws(() => withToolSpan({ tool: 't' }, () => { throw new RangeError('boom') }), RangeError)
})

test('GenAI spans reach an OTLP receiver with the conventions\' names, kinds, attributes and errors', async (t) => {
  const receiver = await startTraceReceiver()
  t.teardown(() => receiver.close())
  const sdk = initTracing({ instrumentations: false, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'agent' } })
  t.teardown(() => sdk.shutdown())

  const answer = await withAgentSpan({ agent: 'answerer', provider: 'openai', model: 'gpt-4o', conversationId: 'conv-1', attributes: { 'app.task': 't-1' } }, async () => {
    const completion = await withChatSpan({ model: 'gpt-4o', provider: 'openai', serverAddress: 'api.openai.com', serverPort: 443 }, async (span) => {
      setGenAiResponse(span, { model: 'gpt-4o-2024-08-06', id: 'chatcmpl-1', finishReasons: ['tool_calls'] })
      setGenAiUsage(span, { inputTokens: 1200, outputTokens: 80, cacheReadInputTokens: 1000, cacheCreationInputTokens: 64, reasoningOutputTokens: 32 })
      return 'call the clock'
    })
    const time = withToolSpan({ tool: 'clock', type: 'function', callId: 'call_1' }, () => '12:00')
    return `${completion}: ${time}`
  })
  t.equal(answer, 'call the clock: 12:00')
  await t.rejects(withToolSpan({ tool: 'calculator' }, async () => {
    throw Object.assign(new Error('division by zero'), { code: 'DIVISION_BY_ZERO' })
  }), { code: 'DIVISION_BY_ZERO' }, 'the rejection passes through')
  t.throws(() => withChatSpan({ model: 'claude', provider: 'anthropic', operation: 'text_completion' }, () => { throw new TypeError('bad') }), TypeError)
  await withAgentSpan({ agent: 'remote', provider: 'openai', kind: 'client', agentId: 'asst_1' }, () => undefined)
  await sdk.shutdown()

  const spans = await waitFor('six GenAI spans', async () => {
    const got = receivedSpans(receiver)
    return got.length >= 6 ? got : undefined
  }, 5_000, 20)
  const byName = new Map<string, WireSpan>(spans.map((span) => [span.name, span]))
  t.same([...byName.keys()].sort(), ['chat gpt-4o', 'execute_tool calculator', 'execute_tool clock', 'invoke_agent answerer', 'invoke_agent remote', 'text_completion claude'])

  const agent = byName.get('invoke_agent answerer')!
  t.equal(agent.kind, SPAN_KIND.INTERNAL, 'an in-process agent is INTERNAL')
  t.match(agent.attributes, {
    [GEN_AI.OPERATION_NAME]: 'invoke_agent',
    [GEN_AI.PROVIDER_NAME]: 'openai',
    [GEN_AI.AGENT_NAME]: 'answerer',
    [GEN_AI.REQUEST_MODEL]: 'gpt-4o',
    [GEN_AI.CONVERSATION_ID]: 'conv-1',
    'app.task': 't-1'
  })
  t.equal(agent.status.code, STATUS_CODE.UNSET)
  t.equal(agent.resource['service.name'], 'agent')

  const chat = byName.get('chat gpt-4o')!
  t.equal(chat.kind, SPAN_KIND.CLIENT)
  t.equal(chat.parentSpanId, agent.spanId, 'the model call is a child of the agent')
  t.same(chat.attributes, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'server.address': 'api.openai.com',
    'server.port': 443,
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.response.id': 'chatcmpl-1',
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.output_tokens': 80,
    'gen_ai.usage.cache_read.input_tokens': 1000,
    'gen_ai.usage.cache_creation.input_tokens': 64,
    'gen_ai.usage.reasoning.output_tokens': 32
  })

  const clock = byName.get('execute_tool clock')!
  t.equal(clock.kind, SPAN_KIND.INTERNAL)
  t.equal(clock.parentSpanId, agent.spanId)
  t.same(clock.attributes, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'clock', 'gen_ai.tool.type': 'function', 'gen_ai.tool.call.id': 'call_1' })

  const calculator = byName.get('execute_tool calculator')!
  t.equal(calculator.status.code, STATUS_CODE.ERROR)
  t.equal(calculator.status.message, 'division by zero')
  t.equal(calculator.attributes['error.type'], 'DIVISION_BY_ZERO')
  t.equal(calculator.events[0]?.name, 'exception')

  const completion = byName.get('text_completion claude')!
  t.equal(completion.kind, SPAN_KIND.CLIENT)
  t.equal(completion.status.code, STATUS_CODE.ERROR)
  t.equal(completion.attributes['error.type'], 'TypeError')
  t.equal(completion.attributes['gen_ai.operation.name'], 'text_completion')

  const remote = byName.get('invoke_agent remote')!
  t.equal(remote.kind, SPAN_KIND.CLIENT, 'a remote agent is CLIENT')
  t.equal(remote.attributes['gen_ai.agent.id'], 'asst_1')
  t.equal(remote.scope, '@obs/tracing')
})

test('bad options are coded errors before anything runs; bad token counts are left out', async (t) => {
  let ran = false
  const run = (): void => { ran = true }
  const bad: Array<[string, () => unknown]> = [
    ['no model', () => withChatSpan({ provider: 'p' } as never, run)],
    ['no provider', () => withChatSpan({ model: 'm' } as never, run)],
    ['an empty tool', () => withToolSpan({ tool: '' }, run)],
    ['no options', () => withAgentSpan(null as never, run)],
    ['a wrong kind', () => withAgentSpan({ agent: 'a', provider: 'p', kind: 'server' as never }, run)],
    ['no function', () => withToolSpan({ tool: 't' }, undefined as never)],
    ['attributes that are not an object', () => withToolSpan({ tool: 't', attributes: 'x' as never }, run)]
  ]
  for (const [what, call] of bad) t.throws(call, { code: 'OBS_TRACING_INVALID_ARGUMENT' }, what)
  t.notOk(ran, 'the work never ran')
})

test('unknown option keys of the GenAI helpers are coded errors naming the nearest key, before anything runs', async (t) => {
  let ran = false
  const run = (): void => { ran = true }
  t.throws(() => withChatSpan({ model: 'm', provider: 'p', conversationID: 'c-1' } as never, run),
    { code: 'OBS_TRACING_INVALID_ARGUMENT', message: 'Invalid argument "withChatSpan conversationID": unknown option; did you mean "withChatSpan conversationId"?' })
  t.throws(() => withAgentSpan({ agent: 'a', provider: 'p', conversationID: 'c-1' } as never, run),
    { code: 'OBS_TRACING_INVALID_ARGUMENT', message: /"withAgentSpan conversationID".*did you mean "withAgentSpan conversationId"/ })
  t.throws(() => withToolSpan({ tool: 't', callID: 'call_1' } as never, run),
    { code: 'OBS_TRACING_INVALID_ARGUMENT', message: /"withToolSpan callID".*did you mean "withToolSpan callId"/ })
  t.throws(() => withToolSpan({ tool: 't', temperature: 0.2 } as never, run),
    { code: 'OBS_TRACING_INVALID_ARGUMENT', message: /"withToolSpan temperature": unknown option; the options are tool, type, callId, attributes, tracer/ })
  t.notOk(ran, 'the work never ran')
  t.equal(withChatSpan({ model: 'm', provider: 'p', operation: 'chat', conversationId: 'c', serverAddress: 'h', serverPort: 1, attributes: {}, tracer: undefined }, () => 'ran'), 'ran', 'every documented key is known')
  t.equal(withAgentSpan({ agent: 'a', provider: 'p', kind: 'client', model: 'm', agentId: 'i', conversationId: 'c', attributes: {}, tracer: undefined }, () => 'ran'), 'ran')
})

test('a serverPort that is not an integer port is a coded error, not silently dropped', async (t) => {
  let ran = false
  const run = (): void => { ran = true }
  for (const serverPort of [443.5, '443', 0, 70000, Number.NaN]) {
    t.throws(() => withChatSpan({ model: 'm', provider: 'p', serverPort: serverPort as never }, run),
      { code: 'OBS_TRACING_INVALID_ARGUMENT', message: /"withChatSpan serverPort": expected an integer port from 1 to 65535/ }, String(serverPort))
  }
  t.notOk(ran, 'the work never ran')

  const set: Record<string, unknown> = {}
  const span = { setAttribute: (key: string, value: unknown) => { set[key] = value } } as unknown as Parameters<typeof setGenAiUsage>[0]
  setGenAiUsage(span, { inputTokens: -1, outputTokens: 1.5, cacheReadInputTokens: Number.NaN, reasoningOutputTokens: 7 })
  setGenAiUsage(span, undefined)
  t.same(set, { 'gen_ai.usage.reasoning.output_tokens': 7 })
})
