import { test } from 'tap'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { createServer, get as httpGet, type IncomingHttpHeaders } from 'node:http'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { buildApp, signal, startTestSdk } from './helpers.js'

// Outbound calls are traced by HTTP instrumentation; `get` above was imported before it was
// patched, as an ESM app's imports are.
const { exporter, spans } = startTestSdk({ instrumentations: { httpServer: false, httpClient: true, fetch: true } })

const hasEnded = (name: string): boolean => spans().some((span) => span.name === name)

test('withSpan times async work, nests spans and parents them under the request span', async (t) => {
  exporter.reset()
  const app = await buildApp()
  const search = signal()
  const ended: Record<string, boolean> = {}
  app.get('/agent', async () => {
    return app.tracing.withSpan('agent.task', { 'agent.task.kind': 'search' }, async () => {
      const validated = app.tracing.withSpan('validate', () => 'ok')
      ended.validateOnReturn = hasEnded('validate')
      const hits = app.tracing.withSpan('search', async (span) => {
        await search.promise
        span.setAttribute('search.hits', 3)
        return 3
      })
      await nextTurn()
      ended.searchWhilePending = hasEnded('search')
      search.resolve()
      const settled = await hits
      ended.searchOnceSettled = hasEnded('search')
      await app.tracing.withSpan('llm.call', async () => { await nextTurn() })
      ended.taskBeforeItReturns = hasEnded('agent.task')
      return { validated, hits: settled }
    })
  })
  const response = await app.inject('/agent')
  t.same(response.json(), { validated: 'ok', hits: 3 })
  t.same(ended, { validateOnReturn: true, searchWhilePending: false, searchOnceSettled: true, taskBeforeItReturns: false },
    'a sync span ends when its function returns, an async one when its promise settles, and the task covers its awaited children')

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
  t.same(spans().map((span) => span.name), ['validate', 'search', 'llm.call', 'agent.task', 'GET /agent'], 'children end before their parents')
})

test('a throw or a rejection is recorded, the span ends, and the error passes through unchanged', async (t) => {
  exporter.reset()
  const app = await buildApp()
  const failure = new RangeError('tool failed')
  const tool = signal()
  const call = app.tracing.withSpan('tool.call', async () => { await tool.promise; throw failure })
  await nextTurn()
  t.notOk(hasEnded('tool.call'), 'not ended while pending')
  tool.resolve()
  await t.rejects(call, failure)
  t.throws(() => app.tracing.withSpan('parse', () => { throw new SyntaxError('bad json') }), SyntaxError)
  const [toolSpan, parse] = spans()
  t.equal(toolSpan!.status.code, SpanStatusCode.ERROR)
  t.equal(toolSpan!.status.message, 'tool failed')
  t.equal(toolSpan!.attributes['error.type'], 'RangeError')
  t.equal(toolSpan!.events[0]?.name, 'exception')
  t.equal(parse!.attributes['error.type'], 'SyntaxError')
  t.ok(toolSpan!.ended && parse!.ended)
})

test('a thenable that is not a promise (a query builder) gives a real promise, ended when it settles', async (t) => {
  exporter.reset()
  const app = await buildApp()
  const query = {
    where () { return query },
    then<T> (resolve: (rows: number[]) => T): T { return resolve([1, 2]) }
  }
  const result = app.tracing.withSpan('db.query', () => query.where())
  t.ok(result instanceof Promise, 'a Promise, as the type says, not the builder')
  t.same(await result, [1, 2])
  t.ok(hasEnded('db.query'))
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
