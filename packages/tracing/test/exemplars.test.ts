import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import tracing from '../src/index.js'
import { startTestSdk, TRACE_ID, TRACEPARENT } from './helpers.js'

const { exporter, serverSpans } = startTestSdk()
const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'

/** `# {trace_id="…",span_id="…"} value timestamp` exemplars on the duration histogram, by bucket line. */
function exemplars (exposition: string): Array<{ traceId: string, spanId: string, line: string }> {
  return exposition.split('\n')
    .filter((line) => line.startsWith('http_request_duration_seconds_bucket{') && line.includes(' # {'))
    .map((line) => {
      const match = /# \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} [0-9.e-]+ [0-9.]+$/.exec(line)
      if (match === null) throw new Error(`malformed exemplar: ${line}`)
      return { traceId: match[1]!, spanId: match[2]!, line }
    })
}

test('with @obs/metrics, sampled requests leave their trace id as an exemplar in OpenMetrics scrapes', async (t) => {
  exporter.reset()
  const app = Fastify()
  await app.register(metrics, { processMetrics: false })
  await app.register(tracing)
  app.get('/users/:id', async () => ({ ok: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }

  await fetch(`http://127.0.0.1:${port}/users/1`, { headers: { traceparent: TRACEPARENT } })
  const scrape = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { accept: OPENMETRICS } })
  t.match(scrape.headers.get('content-type'), /application\/openmetrics-text/)
  const found = exemplars(await scrape.text())
  t.equal(found.length, 1, 'one bucket holds the exemplar')
  t.equal(found[0]!.traceId, TRACE_ID)
  t.equal(found[0]!.spanId, serverSpans()[0]!.spanContext().spanId, 'it points at the server span')
  t.match(found[0]!.line, /route="\/users\/:id"/)

  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  t.notMatch(text, /trace_id/, 'the Prometheus text format has no exemplars')
})

test('unsampled requests leave no exemplar; untraced routes neither', async (t) => {
  const app = Fastify()
  await app.register(tracing) // registered before @obs/metrics: found when the app is ready
  await app.register(metrics, { processMetrics: false })
  app.get('/x', async () => 'x')
  app.get('/private', { config: { tracing: false } }, async () => 'x')
  await app.inject({ url: '/x', headers: { traceparent: TRACEPARENT.replace(/01$/, '00') } })
  await app.inject('/private')
  t.same(exemplars((await app.inject({ url: '/metrics', headers: { accept: OPENMETRICS } })).body), [])

  await app.inject('/x')
  t.equal(exemplars((await app.inject({ url: '/metrics', headers: { accept: OPENMETRICS } })).body).length, 1)
})

test('exemplars: false leaves @obs/metrics alone', async (t) => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false })
  await app.register(tracing, { exemplars: false })
  app.get('/x', async () => 'x')
  await app.inject('/x')
  t.same(exemplars((await app.inject({ url: '/metrics', headers: { accept: OPENMETRICS } })).body), [])
})

test('without @obs/metrics the plugin works as ever', async (t) => {
  const app = Fastify()
  await app.register(tracing)
  app.get('/x', async () => 'x')
  t.equal((await app.inject('/x')).statusCode, 200)
})
