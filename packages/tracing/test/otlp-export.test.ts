import { test } from 'tap'
import { trace } from '@opentelemetry/api'
import Fastify from 'fastify'
import tracing, { initTracing } from '../src/index.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { receivedSpans, SPAN_KIND, STATUS_CODE, startTraceReceiver } from '../../../test-support/otlp-traces.js'
import { TRACE_ID, TRACEPARENT } from './helpers.js'

test('spans reach a real OTLP/HTTP receiver as protobuf, with resource, attributes, errors and headers', async (t) => {
  const receiver = await startTraceReceiver()
  t.teardown(() => receiver.close())
  const sdk = initTracing({
    // HTTP instrumentation is on, to show that exports are not traced themselves; fetch's is off,
    // so that the traceparent this test sends is the only one.
    instrumentations: { fetch: false },
    // As a deployment would set it.
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret%20key',
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES: 'service.version=3.1.4,deployment.environment.name=staging'
    }
  })
  t.teardown(() => sdk.shutdown())

  const app = Fastify()
  await app.register(tracing)
  app.get('/orders/:id', async () => ({ ok: true }))
  app.get('/fail', async () => { throw new TypeError('no such order') })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  await fetch(`http://127.0.0.1:${port}/orders/17`, { headers: { traceparent: TRACEPARENT } })
  await fetch(`http://127.0.0.1:${port}/fail`)
  // Closing the app flushes the batch processor: the spans arrive well before its 5 s timer.
  await app.close()

  const spans = await waitFor('two exported server spans', async () => {
    const server = receivedSpans(receiver).filter((span) => span.kind === SPAN_KIND.SERVER)
    return server.length >= 2 ? server : undefined
  }, 2_000, 20)
  const request = receiver.exports[0]!
  t.equal(request.path, '/v1/traces')
  t.equal(request.headers['content-type'], 'application/x-protobuf')
  t.equal(request.headers['x-api-key'], 'secret key', 'OTEL_EXPORTER_OTLP_HEADERS are sent')

  const order = spans.find((span) => span.name === 'GET /orders/:id')!
  t.equal(order.traceId, TRACE_ID)
  t.equal(order.attributes['http.route'], '/orders/:id')
  t.equal(order.attributes['http.response.status_code'], 200)
  t.equal(order.attributes['url.path'], '/orders/17')
  t.ok(order.endNanos > order.startNanos)
  t.match(order.resource, {
    'service.name': 'checkout',
    'service.version': '3.1.4',
    'deployment.environment.name': 'staging',
    'telemetry.sdk.language': 'nodejs'
  })
  const failed = spans.find((span) => span.name === 'GET /fail')!
  t.equal(failed.status.code, STATUS_CODE.ERROR)
  t.equal(failed.events[0]?.name, 'exception')
  t.equal(failed.events[0]?.attributes['exception.type'], 'TypeError')
  t.equal(failed.events[0]?.attributes['exception.message'], 'no such order')
  t.equal(spans.length, 2, 'one server span per request: HTTP instrumentation\'s, named by the plugin')
  t.notOk(receivedSpans(receiver).some((span) => String(span.attributes['url.full'] ?? '').includes('/v1/traces')),
    'the exports themselves are not traced')
})

test('OTEL_BSP_SCHEDULE_DELAY reaches the batch processor: spans go out on its timer, without a flush', async (t) => {
  const receiver = await startTraceReceiver()
  t.teardown(() => receiver.close())
  const sdk = initTracing({ instrumentations: false, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' } })
  t.teardown(() => sdk.shutdown())
  trace.getTracer('t').startSpan('on the timer').end()
  // Well before the SDK's default of 5 s.
  const [span] = await waitFor('the span, exported on the timer', async () => {
    const spans = receivedSpans(receiver)
    return spans.length > 0 ? spans : undefined
  }, 2_000, 20)
  t.equal(span!.name, 'on the timer')
})
