import { test } from 'tap'
import { TraceFlags } from '@opentelemetry/api'
import { buildApp, PARENT_ID, startTestSdk, TRACE_ID, TRACEPARENT } from './helpers.js'

const { exporter, serverSpans } = startTestSdk()

test('a W3C traceparent makes the server span a child of the caller, tracestate included', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/x', async () => 'x')
  const response = await app.inject({ url: '/x', headers: { traceparent: TRACEPARENT, tracestate: 'vendor=opaque,other=1' } })
  t.equal(response.statusCode, 200)
  const [span] = serverSpans()
  t.equal(span!.spanContext().traceId, TRACE_ID)
  t.equal(span!.parentSpanContext?.spanId, PARENT_ID)
  t.equal(span!.spanContext().traceState?.serialize(), 'vendor=opaque,other=1')
})

test('a caller that did not sample the trace is followed: no span is recorded', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/x', async (request) => ({ traceId: request.traceId }))
  const response = await app.inject({ url: '/x', headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` } })
  t.equal(response.json<{ traceId: string }>().traceId, TRACE_ID, 'the trace id still propagates')
  t.equal(serverSpans().length, 0)
})

const MALFORMED = [
  'garbage',
  '00-xyz-abc-01',
  `00-${'0'.repeat(32)}-${PARENT_ID}-01`, // all-zero trace id
  `00-${TRACE_ID}-${'0'.repeat(16)}-01`, // all-zero parent id
  `ff-${TRACE_ID}-${PARENT_ID}-01`, // forbidden version
  `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`,
  `00-${TRACE_ID}-${PARENT_ID}-01, 00-${TRACE_ID}-${PARENT_ID}-01`, // sent twice
  `${TRACEPARENT}${'-x'.repeat(4000)}`,
  '',
  '\u0000\u0001'
]

test('a malformed traceparent starts a new trace and never fails the request', async (t) => {
  const app = await buildApp()
  app.get('/x', async () => 'x')
  for (const traceparent of MALFORMED) {
    exporter.reset()
    const response = await app.inject({ url: '/x', headers: { traceparent, tracestate: '===,,\u00ff' } })
    t.equal(response.statusCode, 200, JSON.stringify(traceparent.slice(0, 60)))
    const [span] = serverSpans()
    t.ok(span, 'a span was recorded')
    t.equal(span!.parentSpanContext, undefined, 'it is a root span')
    t.not(span!.spanContext().traceId, TRACE_ID)
    t.equal(span!.spanContext().traceFlags & TraceFlags.SAMPLED, TraceFlags.SAMPLED)
  }
})

test('a hostile tracestate is cut to what the specification allows, without failing the request', async (t) => {
  exporter.reset()
  const app = await buildApp()
  app.get('/x', async () => 'x')
  const members = Array.from({ length: 100 }, (_, i) => `k${i}=v${i}`)
  const hostile = [
    members.join(','), // 100 members, where 32 are allowed
    `ok=1,${'x'.repeat(600)}=2,Bad Key=3,k=\u0001`, // one valid member among invalid ones
    `a=${'v'.repeat(200)},b=${'w'.repeat(200)},c=${'x'.repeat(200)}` // over 512 characters in all
  ]
  for (const tracestate of hostile) {
    const response = await app.inject({ url: '/x', headers: { traceparent: TRACEPARENT, tracestate } })
    t.equal(response.statusCode, 200)
  }
  const [many, invalid, long] = serverSpans()
  t.equal(many!.spanContext().traceId, TRACE_ID, 'the parent is still taken')
  t.equal(many!.spanContext().traceState?.serialize(), members.slice(0, 32).join(','), 'the first 32 members are kept')
  t.equal(invalid!.spanContext().traceState?.serialize(), 'ok=1', 'invalid members are dropped')
  t.equal(long!.spanContext().traceState?.serialize(), `a=${'v'.repeat(200)},b=${'w'.repeat(200)}`, 'members past 512 characters are dropped')
})

test('the trace id can be returned in a response header', async (t) => {
  exporter.reset()
  const app = await buildApp({ traceIdHeader: 'X-Trace-Id' })
  app.get('/x', async () => 'x')
  app.get('/boom', async () => { throw new Error('boom') })
  app.get('/private', { config: { tracing: false } }, async () => 'x')
  const ok = await app.inject({ url: '/x', headers: { traceparent: TRACEPARENT } })
  t.equal(ok.headers['x-trace-id'], TRACE_ID)
  const failed = await app.inject('/boom')
  t.equal(failed.statusCode, 500)
  t.equal(failed.headers['x-trace-id'], serverSpans()[1]!.spanContext().traceId, 'error responses carry it too')
  t.equal((await app.inject('/private')).headers['x-trace-id'], undefined, 'untraced routes have none')
})

test('no trace id header unless asked for', async (t) => {
  const app = await buildApp()
  app.get('/x', async () => 'x')
  const response = await app.inject('/x')
  t.notOk(Object.keys(response.headers).some((name) => name.includes('trace')))
})
