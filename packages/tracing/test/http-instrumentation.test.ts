// With HTTP server and client instrumentation on, as under `--import @obs/tracing/register`:
// the server spans are HTTP instrumentation's, which the plugin takes over.
import { test } from 'tap'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace'
import Fastify, { type FastifyInstance } from 'fastify'
import { createServer, get as httpGet, request as httpRequest } from 'node:http'
import tracing, { createLogger } from '../src/index.js'
import { LogLines, startTestSdk } from './helpers.js'

const { watcher, spans, serverSpans, reset } = startTestSdk({ instrumentations: { httpServer: true, httpClient: true, fetch: true } })

const HTTP_SCOPE = '@opentelemetry/instrumentation-http'

async function listen (app: Pick<FastifyInstance, 'listen' | 'server'>): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
}

async function httpGetText (url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(url, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => resolve(body))
    }).on('error', reject)
  })
}

const ended = async (kind: SpanKind, match: (span: ReadableSpan) => boolean): Promise<ReadableSpan> =>
  watcher.ended((span) => span.kind === kind && match(span))

test('secret query parameters in any spelling are redacted in server and client spans', async (t) => {
  reset()
  const app = Fastify()
  await app.register(tracing)
  app.get('/x', async () => 'x')
  const base = await listen(app)
  t.teardown(() => app.close())

  const query = 'API_KEY=k1&Token=k2&x-api-key=k3&openai_api_key=k4&page=2'
  const redacted = 'API_KEY=REDACTED&Token=REDACTED&x-api-key=REDACTED&openai_api_key=REDACTED&page=2'
  t.equal(await httpGetText(`${base}/x?${query}`), 'x')
  const httpClient = await ended(SpanKind.CLIENT, (span) => span.instrumentationScope.name === HTTP_SCOPE)
  const httpServer = await ended(SpanKind.SERVER, () => true)
  t.equal(httpClient.attributes['url.full'], `${base}/x?${redacted}`, 'http.get: url.full')
  t.equal(httpServer.name, 'GET /x')
  t.equal(httpServer.attributes['url.query'], redacted, 'server: url.query')

  reset()
  t.equal(await (await fetch(`${base}/x?${query}`)).text(), 'x')
  const fetchClient = await ended(SpanKind.CLIENT, () => true)
  const fetchServer = await ended(SpanKind.SERVER, () => true)
  t.equal(fetchClient.attributes['url.full'], `${base}/x?${redacted}`, 'fetch: url.full')
  t.equal(fetchClient.attributes['url.query'], `?${redacted}`, 'fetch: url.query, with the ? undici keeps')
  t.equal(fetchServer.attributes['url.query'], redacted)

  for (const span of [httpClient, httpServer, fetchClient, fetchServer]) {
    t.notMatch(JSON.stringify(span.attributes), /k[1-4]/, `${span.instrumentationScope.name} ${span.kind}: no secret anywhere`)
  }
})

test('a client call that fails has its URL redacted too', async (t) => {
  reset()
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const { port } = closed.address() as { port: number }
  await new Promise((resolve) => closed.close(resolve)) // nothing listens there now
  await t.rejects(httpGetText(`http://127.0.0.1:${port}/v1?OPENAI_API_KEY=k1&page=2`))
  const span = await ended(SpanKind.CLIENT, () => true)
  t.equal(span.status.code, SpanStatusCode.ERROR)
  t.equal(span.attributes['url.full'], `http://127.0.0.1:${port}/v1?OPENAI_API_KEY=REDACTED&page=2`)
})

test('a 5xx keeps its exception and status description, even when an earlier async onResponse hook lets the span end first', async (t) => {
  for (const earlierHook of [false, true]) {
    reset()
    const app = Fastify()
    if (earlierHook) app.addHook('onResponse', async () => { await null })
    await app.register(tracing)
    app.get('/boom', async () => { throw new TypeError('kaboom') })
    const base = await listen(app)
    t.equal((await fetch(`${base}/boom`)).status, 500)
    const span = await ended(SpanKind.SERVER, () => true)
    const what = earlierHook ? 'with an earlier onResponse hook' : 'without'
    t.equal(span.name, 'GET /boom', what)
    t.equal(span.instrumentationScope.name, HTTP_SCOPE)
    t.same(span.status, { code: SpanStatusCode.ERROR, message: 'kaboom' }, `${what}: the status keeps its description`)
    t.equal(span.attributes['error.type'], 'TypeError')
    t.equal(span.events.find((event) => event.name === 'exception')?.attributes?.['exception.message'], 'kaboom', `${what}: the exception is recorded`)
    await app.close()
  }
})

test('routes that opt out, and excluded routes, export no span; nothing inside them takes one', async (t) => {
  reset()
  const app = Fastify()
  await app.register(tracing)
  app.get('/health/live', async () => 'ok')
  app.get('/inner', async () => 'inner')
  app.get('/private', { config: { tracing: false } }, async () => {
    await fetch(`${base}/health/live`) // an outbound call: not traced either
    return (await app.inject('/inner')).body // a request served inside it
  })
  app.get('/traced', async () => 'traced')
  const base = await listen(app)
  t.teardown(() => app.close())

  t.equal(await (await fetch(`${base}/private`)).text(), 'inner')
  t.equal(await (await fetch(`${base}/health/live`)).text(), 'ok')
  // Spans end in order: by the time the next request's span has ended, the earlier ones have.
  t.equal(await (await fetch(`${base}/traced`)).text(), 'traced')
  await ended(SpanKind.SERVER, (span) => span.name === 'GET /traced')
  t.same(serverSpans().map((span) => span.name), ['GET /traced'], 'neither an unnamed GET span nor one taken by /inner')
  const clients = spans().filter((span) => span.kind === SpanKind.CLIENT).map((span) => String(span.attributes['url.full']))
  t.same(clients.sort(), [`${base}/health/live`, `${base}/private`, `${base}/traced`], 'the test\'s own three calls, not the one /private makes')
})

test('a request served inside a traced one does not take its span', async (t) => {
  reset()
  const app = Fastify()
  await app.register(tracing)
  app.get('/inner', async () => 'inner')
  app.get('/outer', async () => (await app.inject('/inner')).body)
  const base = await listen(app)
  t.teardown(() => app.close())
  t.equal(await (await fetch(`${base}/outer`)).text(), 'inner')
  const outer = await ended(SpanKind.SERVER, (span) => span.name === 'GET /outer')
  const inner = await ended(SpanKind.SERVER, (span) => span.name === 'GET /inner')
  t.equal(outer.instrumentationScope.name, HTTP_SCOPE, 'the outer request has HTTP instrumentation\'s span')
  t.equal(inner.instrumentationScope.name, '@obs/tracing', 'the inner one a span of its own')
})

test('a method the semantic conventions do not list is named HTTP: PROPFIND /dav is "HTTP /dav"', async (t) => {
  reset()
  const app = Fastify()
  app.addHttpMethod('PROPFIND')
  await app.register(tracing)
  app.route({ method: 'PROPFIND', url: '/dav', handler: async () => 'props' })
  const base = await listen(app)
  t.teardown(() => app.close())
  const status = await new Promise<number>((resolve, reject) => {
    httpRequest(`${base}/dav`, { method: 'PROPFIND' }, (response) => { response.resume().on('end', () => resolve(response.statusCode!)) }).on('error', reject).end()
  })
  t.equal(status, 200)
  const span = await ended(SpanKind.SERVER, () => true)
  t.equal(span.instrumentationScope.name, HTTP_SCOPE)
  t.equal(span.name, 'HTTP /dav')
  t.equal(span.attributes['http.request.method'], '_OTHER')
  t.equal(span.attributes['http.request.method_original'], 'PROPFIND')
})

test('excluded routes write no trace id into their log lines: their span is never exported', async (t) => {
  reset()
  const logs = new LogLines()
  const app = Fastify({ loggerInstance: createLogger({ serviceName: 'api', env: {} }, logs) })
  // Declared before the plugin, as @obs/metrics declares /metrics.
  app.get('/metrics', async (request) => { request.log.info('scraped'); return 'm' })
  await app.register(tracing)
  app.get('/health/live', async (request) => { request.log.info('probed'); return 'ok' })
  app.get('/private', { config: { tracing: false } }, async (request) => { request.log.info('private'); return 'p' })
  app.get('/traced', async (request) => { request.log.info('traced'); return 't' })
  const base = await listen(app)
  t.teardown(() => app.close())

  for (const path of ['/metrics', '/health/live', '/private']) {
    t.equal((await fetch(`${base}${path}`)).status, 200)
  }
  const untraced = logs.lines.filter((line) => line.reqId !== undefined)
  t.ok(untraced.length >= 9, 'incoming, handler and completed lines of three requests')
  t.same(untraced.filter((line) => 'trace_id' in line).map((line) => line.msg), [], 'none carries a trace id')

  t.equal((await fetch(`${base}/traced`)).status, 200)
  const span = await ended(SpanKind.SERVER, (candidate) => candidate.name === 'GET /traced')
  const traced = logs.lines.filter((line) => line.msg === 'traced')
  t.equal(traced[0]!.trace_id, span.spanContext().traceId, 'a traced route still does')
  t.same(serverSpans().map((candidate) => candidate.name), ['GET /traced'])
})

test('secret URL paths of outbound calls are redacted: Slack\'s by default, and any prefix a notifier marks', async (t) => {
  reset()
  const receiver = createServer((_request, response) => response.end('ok'))
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  t.teardown(() => receiver.close())
  const base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`
  const app = Fastify()
  await app.register(tracing)
  await app.ready()
  t.teardown(() => app.close())
  const unmark = app.tracing.addSecretUrlPrefix(`${base}/hooks/`)

  t.equal(await httpGetText(`${base}/hooks/T000/B000/s3cr3t-path?token=q`), 'ok')
  const viaHttp = await ended(SpanKind.CLIENT, (span) => span.instrumentationScope.name === HTTP_SCOPE)
  t.equal(viaHttp.attributes['url.full'], `${base}/hooks/REDACTED`)
  reset()
  t.equal(await (await fetch(`${base}/hooks/T000/B000/s3cr3t-path?token=q`)).text(), 'ok')
  const viaFetch = await ended(SpanKind.CLIENT, () => true)
  t.equal(viaFetch.attributes['url.full'], `${base}/hooks/REDACTED`)
  t.equal(viaFetch.attributes['url.path'], '/hooks/REDACTED')
  t.equal(viaFetch.attributes['url.query'], 'REDACTED')
  for (const span of [viaHttp, viaFetch]) t.notMatch(JSON.stringify(span.attributes), /s3cr3t|T000/, 'the path appears nowhere')

  unmark()
  reset()
  await fetch(`${base}/hooks/public`)
  t.equal((await ended(SpanKind.CLIENT, () => true)).attributes['url.full'], `${base}/hooks/public`, 'unmarked, the path is kept')

  // Slack's webhooks: the span starts (and the requestHook runs) before the name is resolved.
  reset()
  await fetch('https://hooks.slack.com/services/T000/B000/XXXXsecret', { method: 'POST', signal: AbortSignal.timeout(2000) }).catch(() => {})
  const slack = await ended(SpanKind.CLIENT, () => true)
  t.equal(slack.attributes['url.full'], 'https://hooks.slack.com/services/REDACTED')
})
