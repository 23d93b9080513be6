import { test } from 'tap'
import Fastify from 'fastify'
import { pino } from 'pino'
import tracing, { createLogger, loggerOptions, traceLogFields } from '../src/index.js'
import { buildApp, LogLines, startTestSdk, TRACE_ID, TRACEPARENT } from './helpers.js'

const { exporter, spans, serverSpans } = startTestSdk()

test('every line request.log writes carries trace_id, span_id and trace_flags, from "incoming request" on', async (t) => {
  exporter.reset()
  const logs = new LogLines()
  const app = await buildApp({}, { loggerInstance: pino(logs) })
  app.get('/users/:id', async (request) => {
    request.log.info('loading the user')
    await app.tracing.withSpan('db.query', async () => { request.log.warn({ table: 'users' }, 'slow query') })
    return { ok: true }
  })
  await app.inject({ url: '/users/1', headers: { traceparent: TRACEPARENT } })

  const [span] = serverSpans()
  const lines = logs.ofRequest('req-1')
  t.same(lines.map((line) => line.msg), ['incoming request', 'loading the user', 'slow query', 'request completed'])
  for (const line of lines) {
    t.equal(line.trace_id, TRACE_ID, `"${String(line.msg)}" has the trace id`)
    t.equal(line.span_id, span!.spanContext().spanId, `"${String(line.msg)}" has the server span id`)
    t.equal(line.trace_flags, '01')
  }
})

test('error lines of a failed request carry the trace fields too', async (t) => {
  exporter.reset()
  const logs = new LogLines()
  const app = await buildApp({}, { loggerInstance: pino(logs) })
  app.get('/boom', async () => { throw new Error('boom') })
  await app.inject('/boom')
  const traceId = serverSpans()[0]!.spanContext().traceId
  const lines = logs.ofRequest('req-1')
  t.ok(lines.some((line) => line.level === 50 && line.msg === 'boom'), 'the error line is there')
  t.ok(lines.every((line) => line.trace_id === traceId))
})

test('an unsampled request logs its trace id with trace_flags 00', async (t) => {
  exporter.reset()
  const logs = new LogLines()
  const app = await buildApp({}, { loggerInstance: pino(logs) })
  app.get('/x', async (request) => { request.log.info('hi'); return 'x' })
  await app.inject({ url: '/x', headers: { traceparent: TRACEPARENT.replace(/01$/, '00') } })
  const lines = logs.ofRequest('req-1')
  t.equal(lines.length, 3)
  t.ok(lines.every((line) => line.trace_id === TRACE_ID && line.trace_flags === '00'))
})

test('routes declared before the plugin, and unmatched requests, get the fields from onRequest on', async (t) => {
  exporter.reset()
  const logs = new LogLines()
  const app = Fastify({ loggerInstance: pino(logs) })
  app.get('/early', async (request) => { request.log.info('early route'); return 'x' })
  await app.register(tracing)
  await app.inject('/early')
  await app.inject('/missing')
  const [early, missing] = serverSpans()
  const earlyLines = logs.ofRequest('req-1').filter((line) => line.msg !== 'incoming request')
  t.same(earlyLines.map((line) => line.msg), ['early route', 'request completed'])
  t.ok(earlyLines.every((line) => line.trace_id === early!.spanContext().traceId))
  t.ok(logs.ofRequest('req-2').filter((line) => line.msg !== 'incoming request').every((line) => line.trace_id === missing!.spanContext().traceId))
})

test('untraced routes log without trace fields, and logCorrelation: false turns them off', async (t) => {
  exporter.reset()
  const logs = new LogLines()
  const app = await buildApp({ logCorrelation: false }, { loggerInstance: pino(logs) })
  app.get('/x', async (request) => { request.log.info('hi'); return 'x' })
  await app.inject('/x')
  t.equal(serverSpans().length, 1, 'the request is still traced')
  t.ok(logs.lines.every((line) => line.trace_id === undefined))

  const logs2 = new LogLines()
  const app2 = await buildApp({}, { loggerInstance: pino(logs2) })
  app2.get('/private', { config: { tracing: false } }, async (request) => { request.log.info('hi'); return 'x' })
  await app2.inject('/private')
  t.ok(logs2.lines.filter((line) => line.msg === 'hi').every((line) => line.trace_id === undefined))
})

test('with Fastify\'s logger off nothing is bound and nothing breaks', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/x', async (request) => { request.log.info('into the void'); return { traceId: request.traceId } })
  const response = await app.inject('/x')
  t.equal(response.json<{ traceId: string }>().traceId, serverSpans()[0]!.spanContext().traceId)
})

test('the logger preset: JSON lines, ISO time, level names, service fields', async (t) => {
  const logs = new LogLines()
  const logger = createLogger({ serviceName: 'agent', serviceVersion: '1.4.2', environment: 'staging', env: {} }, logs)
  logger.info({ task: 7 }, 'started')
  const [line] = logs.lines
  t.match(line!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.equal(line!.level, 'info')
  t.equal(line!['service.name'], 'agent')
  t.equal(line!['service.version'], '1.4.2')
  t.equal(line!['deployment.environment.name'], 'staging')
  t.equal(line!.task, 7)
  t.equal(line!.msg, 'started')
  t.equal(line!.trace_id, undefined, 'no span, no trace fields')
})

test('the preset takes service fields and level from the environment', async (t) => {
  const logs = new LogLines()
  const env = { OTEL_SERVICE_NAME: 'from-env', OTEL_RESOURCE_ATTRIBUTES: 'service.version=2.0.0,deployment.environment.name=prod', LOG_LEVEL: 'warn' }
  const logger = createLogger({ env }, logs)
  logger.info('dropped')
  logger.warn('kept')
  t.equal(logs.lines.length, 1)
  t.match(logs.lines[0], { 'service.name': 'from-env', 'service.version': '2.0.0', 'deployment.environment.name': 'prod', level: 'warn' })
})

test('the preset adds the active span\'s fields to lines written anywhere inside a span', async (t) => {
  exporter.reset()
  const logs = new LogLines()
  const logger = createLogger({ serviceName: 'worker', env: {} }, logs)
  const app = await buildApp()
  await app.tracing.withSpan('job.run', async () => {
    logger.info('inside the job')
    await app.tracing.withSpan('job.step', async () => { logger.info('inside a step') })
  })
  logger.info('after the job')
  const [step, job] = spans()
  t.equal(logs.lines[0]!.span_id, job!.spanContext().spanId)
  t.equal(logs.lines[1]!.span_id, step!.spanContext().spanId)
  t.equal(logs.lines[0]!.trace_id, job!.spanContext().traceId)
  t.equal(logs.lines[2]!.trace_id, undefined)
  t.same(traceLogFields(job), { trace_id: job!.spanContext().traceId, span_id: job!.spanContext().spanId, trace_flags: '01' })
})

test('with the preset as Fastify\'s logger, request lines carry each field once', async (t) => {
  exporter.reset()
  const logs = new LogLines()
  const app = await buildApp({}, { loggerInstance: createLogger({ serviceName: 'api', env: {} }, logs) })
  app.get('/x', async (request) => {
    await app.tracing.withSpan('inner', async () => { request.log.info('request logger'); app.log.info('app logger') })
    return 'x'
  })
  await app.inject('/x')
  const [inner, server] = spans()
  const requestLine = logs.lines.find((line) => line.msg === 'request logger')!
  t.equal(requestLine.span_id, server!.spanContext().spanId, 'request.log keeps the request span')
  t.equal(logs.lines.find((line) => line.msg === 'app logger')!.span_id, inner!.spanContext().spanId, 'other loggers get the innermost span')
  t.ok(logs.lines.every((line) => line.trace_id === server!.spanContext().traceId))
  // As written: JSON.parse keeps one of two equal keys and would hide a duplicate.
  t.equal(logs.raw.length, 4)
  for (const line of logs.raw) {
    for (const key of ['trace_id', 'span_id', 'trace_flags']) t.equal(line.split(`"${key}":`).length - 1, 1, `"${key}" once in ${line.slice(0, 80)}…`)
  }
})

test('the preset redacts authorization, cookies, API keys, passwords and secret query parameters', async (t) => {
  const logs = new LogLines()
  const app = Fastify({ loggerInstance: createLogger({ serviceName: 'api', env: {} }, logs) })
  app.post('/login', async (request) => {
    request.log.info({ headers: request.headers, body: request.body }, 'login attempt')
    request.log.info({ password: 'hunter2', apiKey: 'sk-123', user: { password: 'p', name: 'ada' }, token: 't' }, 'fields')
    return 'ok'
  })
  await app.inject({
    method: 'POST',
    url: '/login?api_key=sk-query&page=2&access_token=at',
    headers: { authorization: 'Bearer sk-live', cookie: 'session=abc', 'x-api-key': 'sk-header', 'content-type': 'application/json' },
    payload: { username: 'ada', password: 'hunter2', client_secret: 'cs' }
  })
  const raw = JSON.stringify(logs.lines)
  for (const secret of ['sk-live', 'session=abc', 'sk-header', 'hunter2', 'sk-123', 'sk-query', '"at"', '=at', 'cs"', '"p"', '"t"']) {
    t.notOk(raw.includes(secret), `${secret} does not appear`)
  }
  const incoming = logs.lines.find((line) => line.msg === 'incoming request') as { req: { url: string } }
  t.equal(incoming.req.url, '/login?api_key=[Redacted]&page=2&access_token=[Redacted]')
  const fields = logs.lines.find((line) => line.msg === 'fields')!
  t.match(fields, { password: '[Redacted]', apiKey: '[Redacted]', token: '[Redacted]', user: { password: '[Redacted]', name: 'ada' } })
})

test('the preset redacts secrets inside logged errors and arrays, and leaves the logged objects untouched', async (t) => {
  const logs = new LogLines()
  const logger = createLogger({ serviceName: 'api', env: {} }, logs)
  // As an HTTP client library's error carries the request it failed to send.
  const error = Object.assign(new Error('Request failed with status code 401'), {
    config: { url: 'https://llm.example.com/v1/chat', headers: { Authorization: 'Bearer sk-in-error', 'X-Api-Key': 'sk-2' } }
  })
  const payload = { users: [{ name: 'ada', password: 'p1' }, { name: 'bob', Password: 'p2' }], page: 1 }
  logger.error({ err: error, payload }, 'call failed')
  const raw = JSON.stringify(logs.lines)
  for (const secret of ['sk-in-error', 'sk-2', '"p1"', '"p2"']) t.notOk(raw.includes(secret), `${secret} does not appear`)
  t.match(logs.lines[0], { err: { message: 'Request failed with status code 401', config: { url: 'https://llm.example.com/v1/chat' } }, payload: { page: 1 } })
  t.equal(error.config.headers.Authorization, 'Bearer sk-in-error', 'the error itself is not modified')
  t.equal(payload.users[0]!.password, 'p1', 'nor the payload')
})

test('the preset redacts keys that end like a secret, in any spelling', async (t) => {
  const logs = new LogLines()
  const logger = createLogger({ serviceName: 'api', env: {} }, logs)
  const secrets = {
    openaiApiKey: 's1',
    OPENAI_API_KEY: 's2',
    'x-goog-api-key': 's3',
    authToken: 's4',
    secretKey: 's5',
    sessionToken: 's6',
    aws_secret_access_key: 's7',
    pwd: 's8'
  }
  const ordinary = { inputTokens: 120, max_tokens: 256, keyboard: 'qwerty', secretary: 'ada', passwordHint: 'pet', tokenCount: 3, cacheKey: 'k', apiKeyId: 'id-1' }
  logger.info({ ...secrets, ...ordinary, nested: { ...secrets } }, 'names')
  const [line] = logs.lines
  for (const key of Object.keys(secrets)) {
    t.equal(line![key], '[Redacted]', key)
    t.equal((line!.nested as Record<string, unknown>)[key], '[Redacted]', `nested.${key}`)
  }
  t.match(line, ordinary, 'ordinary keys are kept')
  t.notMatch(logs.raw[0], /"s\d"/)
})

test('the preset looks into errors logged under any key, and into the errors an error aggregates', async (t) => {
  const logs = new LogLines()
  const logger = createLogger({ serviceName: 'api', env: {} }, logs)
  // As an HTTP client's error carries the request it failed to send.
  const clientError = (): Error => Object.assign(new Error('Request failed with status code 401'), {
    config: { url: 'https://llm.example.com/v1/chat', headers: { Authorization: 'Bearer sk-leak', accept: 'application/json' } }
  })
  logger.error({ error: clientError() }, 'under another key')
  logger.error({ err: new AggregateError([clientError(), clientError()], 'all tools failed') }, 'aggregate')
  logger.error({ err: Object.assign(new Error('wrapped'), { response: { config: { headers: { 'x-api-key': 'sk-leak' } } } }) }, 'nested')
  t.equal(logs.lines.length, 3)
  for (const raw of logs.raw) t.notMatch(raw, /sk-leak/, raw.slice(0, 80))
  t.match(logs.lines[0], { error: { config: { url: 'https://llm.example.com/v1/chat', headers: { Authorization: '[Redacted]', accept: 'application/json' } } } })
  t.match(logs.lines[1], { err: { type: 'AggregateError', aggregateErrors: [{ config: { headers: { Authorization: '[Redacted]' } } }, { config: { headers: { Authorization: '[Redacted]' } } }] } })
})

test('the preset redacts the bindings of child loggers', async (t) => {
  const logs = new LogLines()
  const logger = createLogger({ serviceName: 'api', env: {} }, logs)
  logger.child({ apiKey: 'sk-child', tenant: 'acme' }).child({ session: { authToken: 'sk-grandchild' } }).info('in a child')
  t.notMatch(logs.raw[0], /sk-/)
  t.match(logs.lines[0], { apiKey: '[Redacted]', tenant: 'acme', session: { authToken: '[Redacted]' }, msg: 'in a child' })

  // Fastify builds the logger from the options, and its request loggers are children too.
  const lines = new LogLines()
  const app = Fastify({ logger: { ...loggerOptions({ serviceName: 'api', env: {} }), stream: lines } })
  await app.register(tracing)
  app.get('/x', async (request) => {
    request.log.child({ clientSecret: 'sk-request' }).info('request child')
    app.log.child({ password: 'sk-app' }).info('app child')
    return 'x'
  })
  await app.inject('/x')
  t.equal(lines.raw.length, 4)
  for (const raw of lines.raw) t.notMatch(raw, /sk-/)
  const requestChild = lines.lines.find((line) => line.msg === 'request child')!
  t.equal(requestChild.clientSecret, '[Redacted]')
  t.match(requestChild.trace_id, /^[0-9a-f]{32}$/, 'the request\'s own bindings are kept')
  t.equal(lines.lines.find((line) => line.msg === 'app child')!.password, '[Redacted]')
})

test('loggerOptions plugs into Fastify\'s logger option', async (t) => {
  const options = loggerOptions({ serviceName: 'api', level: 'debug', redact: ['body.card'], env: {} })
  t.equal(options.level, 'debug')
  t.ok((options.redact as { paths: string[] }).paths.includes('body.card'))
  const app = Fastify({ logger: options })
  await app.ready()
  t.equal(app.log.level, 'debug')
})

test('bad preset options are coded errors', async (t) => {
  t.throws(() => loggerOptions({ levle: 'info' } as never), { code: 'OBS_TRACING_INVALID_OPTION', message: /did you mean "level"/ })
  t.throws(() => loggerOptions({ level: 'loud' }), { code: 'OBS_TRACING_INVALID_OPTION' })
  t.throws(() => loggerOptions({ redact: ['ok', ''] }), { code: 'OBS_TRACING_INVALID_OPTION' })
  t.throws(() => loggerOptions({ censor: 1 as unknown as string }), { code: 'OBS_TRACING_INVALID_OPTION' })
})

test('the preset redacts Fastify\'s request.query and request.params, whose prototypes are their own', async (t) => {
  const logs = new LogLines()
  const app = Fastify({ loggerInstance: createLogger({ serviceName: 'api', env: {} }, logs) })
  app.get('/users/:apiKey', async (request) => {
    request.log.info({ query: request.query, params: request.params }, 'looked up')
    return 'ok'
  })
  await app.inject('/users/sk-param?password=hunter2&page=2')
  const line = logs.lines.find((entry) => entry.msg === 'looked up')!
  t.same(line.query, { password: '[Redacted]', page: '2' })
  t.same(line.params, { apiKey: '[Redacted]' })
  t.notOk(logs.raw.join('\n').includes('hunter2'), 'the query\'s password appears nowhere')
})

test('the preset redacts secret query parameters of URLs anywhere in a line: Fastify\'s 404 message too', async (t) => {
  const logs = new LogLines()
  const app = Fastify({ loggerInstance: createLogger({ serviceName: 'api', env: {}, censor: '"x"' }, logs) })
  await app.inject('/nope?token=sk-404&page=2')
  app.log.info({ target: 'https://api.example.com/v1?api_key=sk-value&q=1' }, 'calling https://api.example.com/v1?key=sk-msg&q=1 now')
  const raw = logs.raw.join('\n')
  for (const secret of ['sk-404', 'sk-value', 'sk-msg']) t.notOk(raw.includes(secret), `${secret} does not appear`)
  const notFound = logs.lines.find((line) => String(line.msg).startsWith('Route GET'))!
  t.equal(notFound.msg, 'Route GET:/nope?token="x"&page=2 not found', 'the censor is written as JSON allows')
  const call = logs.lines.find((line) => String(line.msg).startsWith('calling'))!
  t.equal(call.msg, 'calling https://api.example.com/v1?key="x"&q=1 now')
  t.equal(call.target, 'https://api.example.com/v1?api_key="x"&q=1')
})
