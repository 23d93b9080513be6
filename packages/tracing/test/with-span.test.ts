import { test } from 'tap'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { createServer, get as httpGet, type IncomingHttpHeaders } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp, startTestSdk } from './helpers.js'

// Outbound calls are traced by HTTP instrumentation; `get` above was imported before it was
// patched, as an ESM app's imports are.
const { exporter, spans } = startTestSdk({ instrumentations: { httpServer: false, httpClient: true, fetch: true } })

const ms = (duration: [number, number]): number => duration[0] * 1e3 + duration[1] / 1e6

test('withSpan times async work, nests spans and parents them under the request span', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/agent', async () => {
    return app.tracing.withSpan('agent.task', { 'agent.task.kind': 'search' }, async () => {
      const validated = app.tracing.withSpan('validate', () => 'ok')
      const hits = await app.tracing.withSpan('search', async (span) => {
        await sleep(30)
        span.setAttribute('search.hits', 3)
        return 3
      })
      await app.tracing.withSpan('llm.call', async () => { await sleep(20) })
      return { validated, hits }
    })
  })
  const response = await app.inject('/agent')
  t.same(response.json(), { validated: 'ok', hits: 3 })

  const byName = new Map(spans().map((span) => [span.name, span]))
  const server = byName.get('GET /agent')!
  const task = byName.get('agent.task')!
  for (const name of ['validate', 'search', 'llm.call']) {
    const span = byName.get(name)!
    t.equal(span.kind, SpanKind.INTERNAL)
    t.equal(span.parentSpanContext?.spanId, task.spanContext().spanId, `${name} is a child of the task`)
    t.equal(span.spanContext().traceId, server.spanContext().traceId)
  }
  t.equal(task.parentSpanContext?.spanId, server.spanContext().spanId, 'the task is a child of the request')
  t.equal(task.attributes['agent.task.kind'], 'search')
  t.equal(byName.get('search')!.attributes['search.hits'], 3)
  t.ok(ms(byName.get('search')!.duration) >= 29, 'an async span lasts until its promise settles')
  t.ok(ms(task.duration) >= 49, 'the task covers its awaited children')
  t.ok(ms(byName.get('validate')!.duration) < 20, 'a sync span ends when the function returns')
})

test('a throw or a rejection is recorded, the span ends, and the error passes through unchanged', async (t) => {
  exporter.reset()
  const app = await buildApp()
  const failure = new RangeError('tool failed')
  await t.rejects(app.tracing.withSpan('tool.call', async () => { await sleep(5); throw failure }), failure)
  t.throws(() => app.tracing.withSpan('parse', () => { throw new SyntaxError('bad json') }), SyntaxError)
  const [tool, parse] = spans()
  t.equal(tool!.status.code, SpanStatusCode.ERROR)
  t.equal(tool!.status.message, 'tool failed')
  t.equal(tool!.attributes['error.type'], 'RangeError')
  t.equal(tool!.events[0]?.name, 'exception')
  t.ok(ms(tool!.duration) >= 4)
  t.equal(parse!.attributes['error.type'], 'SyntaxError')
  t.ok(tool!.ended && parse!.ended)
})

test('withSpan outside any request starts a trace of its own', async (t) => {
  exporter.reset()
  const app = await buildApp()
  const value = app.tracing.withSpan('startup.warmup', () => 42)
  t.equal(value, 42)
  const [span] = spans()
  t.equal(span!.parentSpanContext, undefined)
  t.equal(app.tracing.activeSpan(), undefined, 'nothing is active afterwards')
})

test('bad withSpan arguments are coded errors', async (t) => {
  const app = await buildApp()
  const withSpan = app.tracing.withSpan as (...args: unknown[]) => unknown
  t.throws(() => withSpan('', () => 1), { code: 'OBS_TRACING_INVALID_ARGUMENT' })
  t.throws(() => withSpan('x'), { code: 'OBS_TRACING_INVALID_ARGUMENT' })
  t.throws(() => withSpan('x', 'attrs', () => 1), { code: 'OBS_TRACING_INVALID_ARGUMENT' })
  t.throws(() => withSpan('x', null, () => 1), { code: 'OBS_TRACING_INVALID_ARGUMENT' })
})

test('outbound fetch and http calls carry the trace context, through client spans', async (t) => {
  exporter.reset()
  const seen: IncomingHttpHeaders[] = []
  const downstream = createServer((request, response) => {
    seen.push(request.headers)
    response.end('{}')
  })
  await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve))
  t.teardown(() => downstream.close())
  const { port } = downstream.address() as { port: number }

  const app = await buildApp()
  app.get('/calls', async () => {
    await fetch(`http://127.0.0.1:${port}/by-fetch?api_key=secret`)
    await app.tracing.withSpan('tool.call', () => new Promise<void>((resolve, reject) => {
      httpGet(`http://127.0.0.1:${port}/by-http?token=secret`, (response) => response.resume().on('end', resolve)).on('error', reject)
    }))
    return 'done'
  })
  t.equal((await app.inject('/calls')).body, 'done')

  const server = spans().find((span) => span.name === 'GET /calls')!
  const clients = spans().filter((span) => span.kind === SpanKind.CLIENT)
  t.equal(clients.length, 2, 'one client span per call')
  t.equal(seen.length, 2)
  for (const [i, headers] of seen.entries()) {
    const [, traceId, parentId] = String(headers.traceparent).split('-')
    t.equal(traceId, server.spanContext().traceId, `call ${i + 1} carries the request's trace id`)
    t.ok(clients.some((client) => client.spanContext().spanId === parentId), `call ${i + 1}'s parent is its client span`)
  }
  const fetchSpan = clients.find((span) => String(span.attributes['url.full']).includes('by-fetch'))!
  t.equal(fetchSpan.parentSpanContext?.spanId, server.spanContext().spanId)
  t.equal(fetchSpan.attributes['url.full'], `http://127.0.0.1:${port}/by-fetch?api_key=REDACTED`, 'secrets in the query are redacted')
  const httpSpan = clients.find((span) => span !== fetchSpan)!
  t.equal(spans().find((span) => span.spanContext().spanId === httpSpan.parentSpanContext?.spanId)?.name, 'tool.call')
  t.notMatch(JSON.stringify(httpSpan.attributes), /secret/, 'nor in http.request spans')
})
