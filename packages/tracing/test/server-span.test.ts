import { test } from 'tap'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import Fastify from 'fastify'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import tracing, { DEFAULT_EXCLUDE } from '../src/index.js'
import { buildApp, startTestSdk } from './helpers.js'

const { exporter, spans, serverSpans } = startTestSdk()

test('each request gets exactly one server span, named by method and route template', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/users/:id', async () => ({ ok: true }))
  app.post('/users/:id/tasks', async (_request, reply) => reply.code(201).send({ ok: true }))
  for (const id of ['1', '2', '3']) await app.inject(`/users/${id}?q=x`)
  await app.inject({ method: 'POST', url: '/users/9/tasks', payload: { a: 1 } })

  t.equal(spans().length, 4, 'no span other than the server spans')
  const names = serverSpans().map((span) => span.name)
  t.same(names, ['GET /users/:id', 'GET /users/:id', 'GET /users/:id', 'POST /users/:id/tasks'])
  t.ok(serverSpans().every((span) => span.kind === SpanKind.SERVER))
  t.equal(new Set(serverSpans().map((span) => span.spanContext().traceId)).size, 4, 'each request is a trace of its own')
  t.ok(serverSpans().every((span) => span.parentSpanContext === undefined), 'no parent without a traceparent')
})

test('server spans carry the current HTTP semantic-convention attributes', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/users/:id', async () => ({ ok: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  await fetch(`http://127.0.0.1:${port}/users/42?token=secret`, { headers: { 'user-agent': 'obs-test/1.0' } })

  const [span] = serverSpans()
  t.same(span!.attributes, {
    'http.request.method': 'GET',
    'http.route': '/users/:id',
    'http.response.status_code': 200,
    'url.path': '/users/42',
    'url.scheme': 'http',
    'server.address': '127.0.0.1',
    'server.port': port,
    'client.address': '127.0.0.1',
    'user_agent.original': 'obs-test/1.0'
  }, 'the query string (with its secret) is not recorded, nor the default protocol version')
  t.equal(span!.instrumentationScope.name, '@obs/tracing')
  t.equal(span!.resource.attributes['service.name'], 'test-service')
})

test('the span covers the request from its start to the end of the response', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/slow', async () => { await sleep(40); return 'ok' })
  await app.inject('/slow')
  const [span] = serverSpans()
  const ms = span!.duration[0] * 1e3 + span!.duration[1] / 1e6
  t.ok(ms >= 39 && ms < 1000, `duration ${ms} ms`)
  t.ok(span!.ended)
})

test('unmatched requests are named by method only and have no route', async (t) => {
  exporter.reset()
  const app = await buildApp()
  await app.inject('/nope/1')
  const [span] = serverSpans()
  t.equal(span!.name, 'GET')
  t.equal(span!.attributes['http.route'], undefined)
  t.equal(span!.attributes['http.response.status_code'], 404)
  t.equal(span!.status.code, SpanStatusCode.UNSET, '404 is not an error of the server')
})

test('a route with several methods names each method, and HEAD is its own', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.route({ method: ['GET', 'POST'], url: '/multi', handler: async () => 'x' })
  await app.inject('/multi')
  await app.inject({ method: 'POST', url: '/multi' })
  await app.inject({ method: 'HEAD', url: '/multi' })
  t.same(serverSpans().map((span) => span.name), ['GET /multi', 'POST /multi', 'HEAD /multi'])
})

test('a method the conventions do not know is _OTHER, named HTTP', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.addHttpMethod('PROPFIND')
  app.route({ method: 'PROPFIND', url: '/dav', handler: async () => 'x' })
  await app.inject({ method: 'PROPFIND', url: '/dav' })
  const [span] = serverSpans()
  t.equal(span!.name, 'HTTP /dav')
  t.equal(span!.attributes['http.request.method'], '_OTHER')
  t.equal(span!.attributes['http.request.method_original'], 'PROPFIND')
})

test('thrown errors and 5xx responses set status ERROR and record the exception', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/throws', async () => { throw new TypeError('bad input') })
  app.get('/coded', async () => { throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) })
  app.get('/bare-503', async (_request, reply) => reply.code(503).send('down'))
  app.get('/not-an-error', async () => { throw 'a string' }) // eslint-disable-line no-throw-literal
  for (const url of ['/throws', '/coded', '/bare-503', '/not-an-error']) await app.inject(url)

  const [throws, coded, bare, string] = serverSpans()
  t.equal(throws!.status.code, SpanStatusCode.ERROR)
  t.equal(throws!.status.message, 'bad input')
  t.equal(throws!.attributes['error.type'], 'TypeError')
  t.equal(throws!.attributes['http.response.status_code'], 500)
  const event = throws!.events.find((e) => e.name === 'exception')
  t.equal(event?.attributes?.['exception.type'], 'TypeError')
  t.equal(event?.attributes?.['exception.message'], 'bad input')
  t.match(event?.attributes?.['exception.stacktrace'], /TypeError: bad input/)

  t.equal(coded!.attributes['error.type'], 'ECONNREFUSED')
  t.equal(bare!.status.code, SpanStatusCode.ERROR)
  t.equal(bare!.attributes['error.type'], '503')
  t.equal(bare!.events.length, 0, 'no exception to record for a bare 503')
  t.equal(string!.status.code, SpanStatusCode.ERROR)
  t.equal(string!.events[0]?.attributes?.['exception.message'], 'a string')
})

test('4xx responses, thrown or sent, leave the status unset and record nothing', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/validated', { schema: { querystring: { type: 'object', required: ['q'], properties: { q: { type: 'string' } } } } }, async () => 'x')
  app.get('/forbidden', async () => { throw Object.assign(new Error('no'), { statusCode: 403 }) })
  app.get('/sent-404', async (_request, reply) => reply.code(404).send({ missing: true }))
  for (const url of ['/validated', '/forbidden', '/sent-404']) await app.inject(url)

  t.same(serverSpans().map((span) => span.attributes['http.response.status_code']), [400, 403, 404])
  for (const span of serverSpans()) {
    t.equal(span.status.code, SpanStatusCode.UNSET, `${span.name}: status unset`)
    t.equal(span.events.length, 0, `${span.name}: no exception`)
    t.equal(span.attributes['error.type'], undefined)
  }
})

test('an error handler that turns an error into a 200 leaves the span clean', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.setErrorHandler(async () => ({ recovered: true }))
  app.get('/recovers', async () => { throw new Error('handled') })
  const response = await app.inject('/recovers')
  t.equal(response.statusCode, 200)
  t.equal(serverSpans()[0]!.status.code, SpanStatusCode.UNSET)
})

test('health and metrics routes are left out by default; others opt out with config or exclude (a global RegExp too)', async (t) => {
  exporter.reset()
  const app = await buildApp({ exclude: [DEFAULT_EXCLUDE, '/internal/ping', /^\/debug\//g] })
  for (const url of ['/health/live', '/health/ready', '/metrics', '/metrics/summary', '/private', '/internal/ping', '/debug/vars', '/traced']) {
    app.get(url, url === '/private' ? { config: { tracing: false } } : {}, async () => 'x')
  }
  for (const url of ['/health/live', '/health/ready', '/metrics', '/metrics/summary', '/private', '/internal/ping', '/debug/vars', '/traced']) {
    t.equal((await app.inject(url)).statusCode, 200)
  }
  t.same(serverSpans().map((span) => span.name), ['GET /traced'])
})

test('the default exclusion is replaced, not extended, by an exclude option', async (t) => {
  exporter.reset()
  const app = await buildApp({ exclude: [] })
  app.get('/metrics', async () => 'x')
  await app.inject('/metrics')
  t.same(serverSpans().map((span) => span.name), ['GET /metrics'])
})

test('routes declared before and after the plugin, in child scopes and under prefixes are all traced', async (t) => {
  exporter.reset()
  const app = Fastify()
  app.get('/root-before', async () => 'a')
  await app.register(async (child) => { child.get('/child-before', async () => 'b') })
  await app.register(tracing)
  app.get('/root-after', async () => 'c')
  await app.register(async (child) => { child.get('/child-after/:id', async () => 'd') }, { prefix: '/api' })
  for (const url of ['/root-before', '/child-before', '/root-after', '/api/child-after/7']) await app.inject(url)
  t.same(serverSpans().map((span) => span.name).sort(),
    ['GET /api/child-after/:id', 'GET /child-before', 'GET /root-after', 'GET /root-before'])
})

test('a request served inside another request gets its own span, a child of nothing', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/inner', async () => 'inner')
  app.get('/outer', async () => (await app.inject('/inner')).body)
  await app.inject('/outer')
  const names = serverSpans().map((span) => span.name)
  t.same(names.sort(), ['GET /inner', 'GET /outer'])
})

test('a client that goes away before the response still ends the span, as an error', async (t) => {
  exporter.reset()
  const app = await buildApp()
  let reached!: () => void
  const handlerReached = new Promise<void>((resolve) => { reached = resolve })
  app.get('/hang', async () => {
    reached()
    await sleep(300)
    return 'late'
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const request = httpRequest({ host: '127.0.0.1', port, path: '/hang' })
  request.on('error', () => {})
  request.end()
  await handlerReached
  request.destroy()
  await sleep(400)
  const [span] = serverSpans()
  t.equal(span?.name, 'GET /hang')
  t.equal(span?.status.code, SpanStatusCode.ERROR)
  t.equal(span?.attributes['error.type'], 'aborted')
  t.equal(serverSpans().length, 1, 'ended once')
})

test('request.span and request.traceId expose the server span; untraced routes have none', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/traced', async (request) => {
    request.span?.setAttribute('app.tenant', 'acme')
    return { traceId: request.traceId }
  })
  app.get('/untraced', { config: { tracing: false } }, async (request) => ({ traceId: request.traceId ?? null, span: request.span === undefined }))
  const traced = (await app.inject('/traced')).json<{ traceId: string }>()
  const [span] = serverSpans()
  t.equal(traced.traceId, span!.spanContext().traceId)
  t.match(traced.traceId, /^[0-9a-f]{32}$/)
  t.equal(span!.attributes['app.tenant'], 'acme')
  t.same((await app.inject('/untraced')).json(), { traceId: null, span: true })
})

test('two Fastify instances in one process each trace their own routes', async (t) => {
  exporter.reset()
  const a = await buildApp()
  const b = await buildApp({ exclude: ['/a'] })
  a.get('/a', async () => 'a')
  b.get('/a', async () => 'b')
  b.get('/b', async () => 'b')
  await a.inject('/a')
  await b.inject('/a')
  await b.inject('/b')
  t.same(serverSpans().map((span) => span.name), ['GET /a', 'GET /b'])
})

test('a request an earlier onRequest hook answers (a 401 from an auth plugin) still gets its span', async (t) => {
  exporter.reset()
  const logs: string[] = []
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => logs.push(line) } } })
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization === undefined) return reply.code(401).send({ error: 'unauthorized' })
  })
  app.addHook('onRequest', async (request) => {
    if (request.headers.authorization === 'crash') throw new Error('auth backend down')
  })
  await app.register(tracing)
  app.get('/secret', async () => 'x')
  t.equal((await app.inject('/secret')).statusCode, 401)
  t.equal((await app.inject({ url: '/secret', headers: { authorization: 'crash' } })).statusCode, 500)
  const [denied, crashed] = serverSpans()
  t.equal(denied!.name, 'GET /secret')
  t.equal(denied!.attributes['http.response.status_code'], 401)
  t.equal(denied!.status.code, SpanStatusCode.UNSET)
  const ms = denied!.duration[0] * 1e3 + denied!.duration[1] / 1e6
  t.ok(ms >= 0 && ms < 1000, 'backdated to the start of the request')
  t.equal(crashed!.status.code, SpanStatusCode.ERROR)
  t.equal(crashed!.events[0]?.attributes?.['exception.message'], 'auth backend down')
})

test('registering the plugin twice in one line of scopes is a coded error', async (t) => {
  const app = await buildApp()
  await t.rejects(async () => {
    await app.register(async (inner) => { await inner.register(tracing) })
  }, { code: 'OBS_TRACING_ALREADY_REGISTERED' })
  await t.rejects(async () => { await app.register(tracing) }, { code: 'OBS_TRACING_ALREADY_REGISTERED' })
})

test('hostile thrown values never break the request or the span', async (t) => {
  exporter.reset()
  const app = await buildApp()
  const hostile = [
    Object.create(null),
    { get message (): string { throw new Error('getter') }, get code (): string { throw new Error('getter') } },
    Symbol('thrown'),
    null,
    undefined,
    { message: 42, name: { not: 'a string' } },
    Object.assign(new Error('x'), { code: 'not an identifier because of spaces' }),
    { message: 'plain object', stack: 'at somewhere' }
  ]
  hostile.forEach((value, i) => app.get(`/h${i}`, async () => { throw value }))
  for (let i = 0; i < hostile.length; i++) {
    const response = await app.inject(`/h${i}`)
    t.equal(response.statusCode, 500, `thrown value ${i} is a 500`)
  }
  t.equal(serverSpans().length, hostile.length, 'every request ended its span')
  t.ok(serverSpans().every((span) => span.status.code === SpanStatusCode.ERROR))
  t.equal(serverSpans()[6]!.attributes['error.type'], 'Error', 'a code that is not an identifier is not used')
  t.equal(serverSpans()[7]!.events[0]?.attributes?.['exception.message'], 'plain object')
})
