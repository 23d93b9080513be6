import { test } from 'tap'
import { createServer, type Socket } from 'node:net'
import { waitFor } from '../../../test-support/wait-for.js'
import { fixture, runScript, startChildApp } from './child-app.js'
import { signal } from './helpers.js'
import { receivedSpans, SPAN_KIND, startTraceReceiver } from '../../../test-support/otlp-traces.js'

test('node --import @obs/tracing/register: a CommonJS app is traced from the environment, client calls included', async (t) => {
  const receiver = await startTraceReceiver()
  t.teardown(() => receiver.close())
  const app = await startChildApp(['--import', '@obs/tracing/register', fixture('cjs-app.cjs')], {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesUrl,
    OTEL_SERVICE_NAME: 'cjs-app',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test'
  })
  const response = await fetch(`http://127.0.0.1:${app.port}/relay`)
  t.same(await response.json(), { relayed: 'hello' })
  const { code, stderr } = await app.stop()
  t.equal(code, 0)
  t.equal(stderr, '')

  const spans = await waitFor('three spans', async () => {
    const all = receivedSpans(receiver)
    return all.length >= 3 ? all : undefined
  }, 10_000)
  const relay = spans.find((span) => span.name === 'GET /relay')!
  const client = spans.find((span) => span.kind === SPAN_KIND.CLIENT)!
  const hello = spans.find((span) => span.name === 'GET /hello')!
  t.equal(spans.filter((span) => span.kind === SPAN_KIND.SERVER).length, 2, 'one server span per request')
  t.equal(client.parentSpanId, relay.spanId, 'the outbound call is a child of the request')
  t.equal(hello.parentSpanId, client.spanId, 'and the inbound one a child of the call')
  t.equal(new Set(spans.map((span) => span.traceId)).size, 1, 'one trace')
  t.match(relay.resource, { 'service.name': 'cjs-app', 'deployment.environment.name': 'test' })
  t.equal(relay.scope, '@opentelemetry/instrumentation-http', 'the server span is HTTP instrumentation\'s, renamed by the plugin')
})

test('register without an endpoint: spans go nowhere, quietly', async (t) => {
  const app = await startChildApp(['--import', '@obs/tracing/register', fixture('cjs-app.cjs')], {})
  t.equal((await fetch(`http://127.0.0.1:${app.port}/relay`)).status, 200)
  const { code, stderr } = await app.stop()
  t.equal(code, 0)
  t.equal(stderr, '', 'nothing on stderr: no export errors, no warnings')
})

test('register with OTEL_SDK_DISABLED=true: the app runs untraced', async (t) => {
  const receiver = await startTraceReceiver()
  t.teardown(() => receiver.close())
  const app = await startChildApp(['--import', '@obs/tracing/register', fixture('cjs-app.cjs')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_SDK_DISABLED: 'true'
  })
  t.equal((await fetch(`http://127.0.0.1:${app.port}/relay`)).status, 200)
  const { code, stderr } = await app.stop()
  t.equal(code, 0)
  t.equal(stderr, '')
  t.equal(receiver.exports.length, 0, 'nothing was exported')
})

test('register with an unreachable collector: requests are served and the app still exits', async (t) => {
  const app = await startChildApp(['--import', '@obs/tracing/register', fixture('cjs-app.cjs')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' // discard port: nothing listens
  })
  t.equal((await fetch(`http://127.0.0.1:${app.port}/hello`)).status, 200)
  const { code, stderr } = await app.stop()
  t.equal(code, 0)
  // A failed export is said at most once (whether it fails before the process exits depends on
  // timing), as a warning that names the exporter and the cause; nothing else is written.
  const warning = /\(node:\d+\) \[OBS_TRACING_EXPORT_FAILED\] Warning: otlp_http_span_exporter: the export of \d+ spans to http:\/\/127\.0\.0\.1:9 failed \(error_type "ECONNREFUSED"\)\. [^\n]*\n(\(Use `node --trace-warnings[^\n]*\n)?/
  t.ok((stderr.match(/OBS_TRACING_EXPORT_FAILED/g)?.length ?? 0) <= 1, 'at most once')
  t.equal(stderr.replace(warning, ''), '', 'nothing else on stderr')
})

test('register: the final flush when the process runs out of work is bounded, even with a collector that never answers', async (t) => {
  const sockets = new Set<Socket>()
  const exportArrived = signal()
  const collector = createServer((socket) => {
    sockets.add(socket)
    socket.once('data', exportArrived.resolve) // and never answer
  })
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    collector.close()
  })
  const { port } = collector.address() as { port: number }
  const run = runScript(['--import', '@obs/tracing/register', fixture('script.mjs')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    // The exporter and the batch processor would wait ten minutes: only the preload's bound ends this.
    OTEL_EXPORTER_OTLP_TIMEOUT: '600000',
    OTEL_BSP_EXPORT_TIMEOUT: '600000'
  })
  await exportArrived.promise
  const { code, stdout, stderr } = await run
  t.equal(stdout, '{"done":true}\n')
  t.equal(code, 0, 'the process exits, with its own exit code, while the export is still unanswered')
  t.equal(stderr, '')
})
