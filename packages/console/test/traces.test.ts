import { test } from 'tap'
import { runningTracingSdk } from '@obs/tracing'
import { buildTestApp, startSdk, traffic } from './helpers.js'

interface Trace { traceId: string, start: number, name: string, route: string | null, status: number | null, error: boolean, durationMs: number, spans: number }

test('the traces view: the recent traces of the process, searchable, each a waterfall', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  await app.ready()
  await traffic(app, 30)
  await app.inject('/health/ready')

  const all = (await app.inject('/obs/api/traces')).json()
  t.equal(all.missing, null)
  t.equal(all.traces.length, 30, 'one trace a request; probes and the console itself are not traced')
  t.same(all.routes, ['/fail', '/slow', '/users/:id'])
  t.ok(all.traces.every((trace: Trace, i: number) => i === 0 || all.traces[i - 1].start >= trace.start), 'newest first')

  const slow = (await app.inject('/obs/api/traces?route=/slow')).json().traces as Trace[]
  t.equal(slow.length, 3)
  t.ok(slow.every((trace) => trace.route === '/slow' && trace.spans === 3 && trace.name === 'GET /slow'))

  const failed = (await app.inject('/obs/api/traces?status=5xx')).json().traces as Trace[]
  t.equal(failed.length, 3)
  t.ok(failed.every((trace) => trace.status === 500 && trace.error))
  t.same((await app.inject('/obs/api/traces?status=error')).json().traces.map((x: Trace) => x.traceId).sort(), failed.map((x) => x.traceId).sort())
  t.equal((await app.inject('/obs/api/traces?status=404')).json().traces.length, 0)

  const long = (await app.inject('/obs/api/traces?minMs=40')).json().traces as Trace[]
  t.ok(long.length > 0 && long.every((trace) => trace.durationMs >= 40 && trace.route === '/slow'), 'only /slow sleeps 50 ms')

  const one = slow[0]!
  const byId = (await app.inject(`/obs/api/traces?traceId=${one.traceId.slice(0, 10).toUpperCase()}`)).json().traces as Trace[]
  t.same(byId.map((x) => x.traceId), [one.traceId], 'by the beginning of its id, in any case')
  t.equal((await app.inject('/obs/api/traces?status=teapot')).statusCode, 400)

  const detail = (await app.inject(`/obs/api/traces/${one.traceId}`)).json()
  t.same(detail.spans.map((s: { name: string, depth: number }) => [s.name, s.depth]), [['GET /slow', 0], ['llm.call', 1], ['tool.search', 1]], 'parent first, children by start')
  const [root, llm, tool] = detail.spans
  t.equal(root.attributes['http.route'], '/slow')
  t.equal(llm.parentSpanId, root.spanId)
  t.ok(tool.offsetMs >= llm.offsetMs + llm.durationMs - 1, 'the tool call starts after the LLM call')
  t.equal(root.service, 'console-test')

  const failure = (await app.inject(`/obs/api/traces/${failed[0]!.traceId}`)).json()
  t.equal(failure.spans[0].status.code, 2)
  t.same(failure.spans[0].events.map((e: { name: string }) => e.name), ['exception'])
  t.equal(failure.spans[0].events[0].attributes['exception.message'], 'the upstream failed')

  t.equal((await app.inject(`/obs/api/traces/${'0'.repeat(32)}`)).json().code, 'OBS_CONSOLE_NOT_FOUND')
  t.equal((await app.inject('/obs/api/traces/not-an-id')).statusCode, 400)
})

test('a route\'s exemplars link to traces the store holds', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  await app.ready()
  await traffic(app, 20)
  const body = (await app.inject('/obs/api/exemplars?route=/slow')).json()
  t.equal(body.missing, null)
  t.ok(body.exemplars.length > 0)
  const traces = new Set((await app.inject('/obs/api/traces?route=/slow')).json().traces.map((x: Trace) => x.traceId))
  for (const exemplar of body.exemplars) {
    t.equal(exemplar.route, '/slow')
    t.ok(traces.has(exemplar.traceId), `exemplar ${exemplar.traceId} is a trace of the list`)
    t.equal(exemplar.held, true)
  }
  t.ok(body.exemplars.every((e: { seconds: number }, i: number) => i === 0 || body.exemplars[i - 1].seconds >= e.seconds), 'slowest first')
})

test('the store is bounded: the oldest spans go first', async (t) => {
  const { app } = await buildTestApp({ console: { maxSpans: 10 } })
  t.teardown(() => app.close())
  await app.ready()
  await traffic(app, 20)
  const body = (await app.inject('/obs/api/traces')).json()
  t.equal(body.held, 10)
  t.equal(body.capacity, 10)
})

test('the span store joins the running SDK once the app is ready, and leaves it when the app closes', async (t) => {
  startSdk()
  const sdk = runningTracingSdk()!
  // Count the processors the console adds and removes through the SDK's public method.
  const add = sdk.addSpanProcessor
  let attached = 0
  Object.assign(sdk, {
    addSpanProcessor (processor: Parameters<typeof add>[0]) {
      attached++
      const remove = add(processor)
      return () => { attached--; remove() }
    }
  })
  t.teardown(() => { Object.assign(sdk, { addSpanProcessor: add }) })
  const { app } = await buildTestApp()
  t.equal(attached, 0, 'not before the app is ready')
  await app.ready()
  t.equal(attached, 1)
  await traffic(app, 3)
  t.equal((await app.inject('/obs/api/traces')).json().held, 6, 'a route with a child span, twice, and a failure')
  await app.close()
  t.equal(attached, 0)
})
