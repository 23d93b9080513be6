import { test, type Test } from 'tap'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { hrTimeToMilliseconds } from '@opentelemetry/core'
import Fastify, { type FastifyInstance } from 'fastify'
import { request as httpRequest, type ClientRequest } from 'node:http'
import { setImmediate as nextTurn } from 'node:timers/promises'
import tracing, { DEFAULT_EXCLUDE } from '../src/index.js'
import { buildApp, signal, startTestSdk } from './helpers.js'

const { watcher, spans, serverSpans, reset } = startTestSdk()

/** Starts a GET to `app` over a real connection; the test aborts it with `destroy()`. */
async function startRequest (t: Test, app: FastifyInstance, path: string): Promise<ClientRequest> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const request = httpRequest({ host: '127.0.0.1', port, path })
  request.on('error', () => {})
  request.end()
  return request
}

test('each request gets exactly one server span, named by method and route template', async (t) => {
  reset()
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
  reset()
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
  reset()
  const app = await buildApp()
  const events: string[] = []
  app.addHook('onRequest', async (request) => { events.push(`onRequest, span ${request.span?.isRecording() === true ? 'started' : 'missing'}`) })
  app.addHook('onSend', async () => { events.push('onSend') })
  app.get('/slow', async (request, reply) => {
    events.push('handler')
    await nextTurn()
    watcher.ended((span) => span.name === 'GET /slow').then(() => {
      events.push(`span ended, response ${reply.raw.writableFinished ? 'sent' : 'not sent'}`)
    }, t.error)
    return 'ok'
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  await (await fetch(`http://127.0.0.1:${port}/slow`)).text()
  await watcher.ended((span) => span.name === 'GET /slow')
  t.same(events, ['onRequest, span started', 'handler', 'onSend', 'span ended, response sent'])
})

test('unmatched requests are named by method only and have no route', async (t) => {
  reset()
  const app = await buildApp()
  await app.inject('/nope/1')
  const [span] = serverSpans()
  t.equal(span!.name, 'GET')
  t.equal(span!.attributes['http.route'], undefined)
  t.equal(span!.attributes['http.response.status_code'], 404)
  t.equal(span!.status.code, SpanStatusCode.UNSET, '404 is not an error of the server')
})

test('a route with several methods names each method, and HEAD is its own', async (t) => {
  reset()
  const app = await buildApp()
  app.route({ method: ['GET', 'POST'], url: '/multi', handler: async () => 'x' })
  await app.inject('/multi')
  await app.inject({ method: 'POST', url: '/multi' })
  await app.inject({ method: 'HEAD', url: '/multi' })
  t.same(serverSpans().map((span) => span.name), ['GET /multi', 'POST /multi', 'HEAD /multi'])
})

test('a method the conventions do not know is _OTHER, named HTTP', async (t) => {
  reset()
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
  reset()
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
  reset()
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
  reset()
  const app = await buildApp()
  app.setErrorHandler(async () => ({ recovered: true }))
  app.get('/recovers', async () => { throw new Error('handled') })
  const response = await app.inject('/recovers')
  t.equal(response.statusCode, 200)
  t.equal(serverSpans()[0]!.status.code, SpanStatusCode.UNSET)
})

test('health and metrics routes are left out by default; others opt out with config or exclude (a global RegExp too)', async (t) => {
  reset()
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
  reset()
  const app = await buildApp({ exclude: [] })
  app.get('/metrics', async () => 'x')
  await app.inject('/metrics')
  t.same(serverSpans().map((span) => span.name), ['GET /metrics'])
})

test('routes declared before and after the plugin, in child scopes and under prefixes are all traced', async (t) => {
  reset()
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
  reset()
  const app = await buildApp()
  app.get('/inner', async () => 'inner')
  app.get('/outer', async () => (await app.inject('/inner')).body)
  await app.inject('/outer')
  const inner = serverSpans().find((span) => span.name === 'GET /inner')
  const outer = serverSpans().find((span) => span.name === 'GET /outer')
  t.equal(serverSpans().length, 2)
  t.equal(inner?.parentSpanContext, undefined, 'the inner span has no parent')
  t.equal(outer?.parentSpanContext, undefined)
  t.not(inner?.spanContext().traceId, outer?.spanContext().traceId, 'and a trace of its own')
})

test('a client that goes away before the response still ends the span, as an error', async (t) => {
  reset()
  const app = await buildApp()
  const reached = signal()
  const release = signal()
  app.get('/hang', async () => {
    reached.resolve()
    await release.promise
    return 'late'
  })
  const request = await startRequest(t, app, '/hang')
  await reached.promise
  request.destroy()
  const span = await watcher.ended((s) => s.name === 'GET /hang')
  release.resolve()
  t.equal(span.status.code, SpanStatusCode.ERROR)
  t.equal(span.attributes['error.type'], 'aborted')
  t.same(watcher.open(), [], 'no span left open')
})

test('a client that goes away while an earlier async onRequest hook is pending still ends the span', async (t) => {
  reset()
  // With a logger, the child logger factory starts the span before any hook runs.
  const app = Fastify({ logger: { level: 'info', stream: { write: () => {} } } })
  const reached = signal()
  const release = signal()
  app.addHook('onRequest', async () => {
    reached.resolve()
    await release.promise
  })
  await app.register(tracing)
  const aborted = signal()
  app.addHook('onRequestAbort', async (_request) => { aborted.resolve() }) // runs after the plugin's
  app.get('/slow-auth', async () => 'x')
  const request = await startRequest(t, app, '/slow-auth')
  await reached.promise
  t.equal(watcher.open().length, 1, 'the span was started before the hooks')
  request.destroy()
  await aborted.promise
  const [span] = serverSpans()
  t.equal(span?.name, 'GET /slow-auth')
  t.equal(span?.status.code, SpanStatusCode.ERROR)
  t.equal(span?.attributes['error.type'], 'aborted')
  t.same(watcher.open(), [], 'no span left open')
  release.resolve()
})

test('a request that arrives while the app is closing (a 503 without hooks) starts no span', async (t) => {
  reset()
  const app = Fastify({ logger: { level: 'info', stream: { write: () => {} } } })
  await app.register(tracing)
  app.get('/x', async () => 'x')
  const closing = signal()
  const release = signal()
  // Runs after the plugin's preClose hook; the server still accepts requests meanwhile.
  app.addHook('preClose', async () => {
    closing.resolve()
    await release.promise
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const closed = app.close()
  await closing.promise
  const response = await fetch(`http://127.0.0.1:${port}/x`)
  t.equal(response.status, 503)
  await response.text()
  t.same(watcher.open(), [], 'no span was started that nothing would end')
  t.same(spans(), [])
  release.resolve()
  await closed
})

test('an excluded request is not traced at all: nothing it starts is recorded', async (t) => {
  reset()
  const app = await buildApp()
  app.get('/inner', async () => 'inner')
  app.get('/private', { config: { tracing: false } }, async () => {
    app.tracing.withSpan('inside', () => {})
    return (await app.inject('/inner')).body
  })
  t.equal((await app.inject('/private')).body, 'inner')
  t.same(spans().map((span) => span.name), [], 'no server span, no withSpan, none for the request served inside it')
  t.same(watcher.open(), [])
})

test('request.span and request.traceId expose the server span; untraced routes have none', async (t) => {
  reset()
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
  reset()
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
  reset()
  const logs: string[] = []
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => logs.push(line) } } })
  let entered = 0
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== undefined) return
    entered = Date.now()
    // Let the clock move on: a span started from here on, not backdated, would start later.
    while (Date.now() < entered + 2) { /* the clock moves on */ }
    return reply.code(401).send({ error: 'unauthorized' })
  })
  app.addHook('onRequest', async (request) => {
    if (request.headers.authorization === 'crash') throw new Error('auth backend down')
  })
  await app.register(tracing, { traceIdHeader: 'x-trace-id' })
  app.get('/secret', async () => 'x')
  const before = Date.now()
  const response = await app.inject('/secret')
  t.equal(response.statusCode, 401)
  t.equal((await app.inject({ url: '/secret', headers: { authorization: 'crash' } })).statusCode, 500)
  const [denied, crashed] = serverSpans()
  t.equal(denied!.name, 'GET /secret')
  t.equal(denied!.attributes['http.response.status_code'], 401)
  t.equal(denied!.status.code, SpanStatusCode.UNSET)
  t.equal(response.headers['x-trace-id'], denied!.spanContext().traceId, 'the answer carries the trace id')
  const start = hrTimeToMilliseconds(denied!.startTime)
  t.ok(start > before - 1, 'the span starts with the request…')
  t.ok(start < entered + 1, '…before the first onRequest hook ran, so it was backdated')
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
  reset()
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
