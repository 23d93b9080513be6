// One server per variant of the tracing benchmark: `node tracing.mjs <variant>`.
//
// Every traced variant runs the same SDK, started by @obs/tracing's initTracing(): the
// OpenTelemetry 3 TracerProvider, a parent-based ratio sampler, and a BatchSpanProcessor whose
// exporter counts spans and drops them. Export cost (serialization, network) is the same per span
// for every instrumentation and is left out, so the figures are the instrumentation's own.
// HTTP instrumentation is off unless the variant says otherwise.
import Fastify from 'fastify'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { pino } from 'pino'
import { initTracing, loggerOptions } from '@obs/tracing'
import { serveBenchProtocol } from '../harness.mjs'

const variant = process.argv[2]

const exported = { spans: 0 }
const dropExporter = {
  export (spans, done) {
    exported.spans += spans.length
    done({ code: 0 })
  },
  async shutdown () {},
  async forceFlush () {}
}

const startSdk = (sampleRatio, instrumentations = false, logs = undefined) =>
  initTracing({ serviceName: 'bench', exporter: dropExporter, sampleRatio, instrumentations, ...(logs === undefined ? {} : { logs }) })

// An OTLP/HTTP sink for the log variant, in a process of its own so that its CPU is not the
// server's (it answers every export with an empty success, and exits when this process does).
async function startOtlpSink () {
  const code = `const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()) });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port)); process.stdin.on('close', () => process.exit()); process.stdin.resume()`
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] })
  const [chunk] = await once(child.stdout, 'data')
  return `http://127.0.0.1:${Number(String(chunk).trim())}/v1/logs`
}

// Plain pino writing JSON lines to /dev/null through a buffered (async) destination.
const devNull = () => pino.destination({ dest: '/dev/null', minLength: 4096, sync: false })

let app
let sdk
let expectSpans = true

async function withObsTracing (ratio, { logger, pluginOptions = {}, instrumentations, logs } = {}) {
  sdk = startSdk(ratio, instrumentations, logs)
  app = Fastify(logger ?? { logger: false })
  const { default: tracing } = await import('@obs/tracing')
  await app.register(tracing, pluginOptions)
}

async function withFastifyOtel (ratio) {
  sdk = startSdk(ratio)
  const { default: FastifyOtelInstrumentation } = await import('@fastify/otel')
  const instrumentation = new FastifyOtelInstrumentation()
  instrumentation.setTracerProvider(sdk.provider)
  app = Fastify({ logger: false })
  await app.register(instrumentation.plugin())
}

// The least any OpenTelemetry server span costs on this SDK: the context extracted, a span
// started and made current, ended at the response; two hooks, no route name, no attributes.
// `attach` makes it current with the API's `context.attach()` (API 1.10) for the rest of the
// hook's synchronous run, which the context manager implements with AsyncLocalStorage.withScope()
// where Node has it, instead of `context.with()`'s run().
async function withOtelFloor (ratio, { attach = false } = {}) {
  sdk = startSdk(ratio)
  const { context, propagation, trace, ROOT_CONTEXT, SpanKind } = await import('@opentelemetry/api')
  const tracer = trace.getTracer('floor')
  const kSpan = Symbol('span')
  const options = { kind: SpanKind.SERVER }
  app = Fastify({ logger: false })
  app.decorateRequest(kSpan, null)
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const span = tracer.startSpan('GET /users/:id', options, parent)
    request[kSpan] = span
    if (!attach) return context.with(trace.setSpan(parent, span), done)
    const token = context.attach(trace.setSpan(parent, span))
    try {
      done()
    } finally {
      token.dispose()
    }
  })
  app.addHook('onResponse', (request, _reply, done) => {
    request[kSpan].end()
    done()
  })
}

switch (variant) {
  case 'bare':
    app = Fastify({ logger: false })
    expectSpans = false
    break
  case '@fastify/otel 1.0': await withFastifyOtel(1); break
  case '@fastify/otel 0.1': await withFastifyOtel(0.1); break
  case '@obs/tracing 1.0': await withObsTracing(1); break
  case '@obs/tracing 0.1': await withObsTracing(0.1); break
  case 'OpenTelemetry floor 0.1': await withOtelFloor(0.1); break
  case 'OpenTelemetry floor 0.1, attach()': await withOtelFloor(0.1, { attach: true }); break
  case '@obs/tracing 1.0 + HTTP instrumentation (register)':
    await withObsTracing(1, { instrumentations: { httpServer: true, httpClient: true, fetch: true } })
    break
  // Logging: Fastify's request logging ("incoming request", "request completed") on every request.
  case 'pino':
    app = Fastify({ loggerInstance: pino({ level: 'info' }, devNull()) })
    expectSpans = false
    break
  case 'pino + @obs/tracing, logCorrelation: false':
    await withObsTracing(1, { logger: { loggerInstance: pino({ level: 'info' }, devNull()) }, pluginOptions: { logCorrelation: false } })
    break
  case 'pino + @obs/tracing (correlated)':
    await withObsTracing(1, { logger: { loggerInstance: pino({ level: 'info' }, devNull()) } })
    break
  case 'preset logger + @obs/tracing (correlated)':
    await withObsTracing(1, { logger: { loggerInstance: pino(loggerOptions({ serviceName: 'bench' }), devNull()) } })
    break
  case 'preset logger, otlp: false + @obs/tracing (correlated)':
    // Without the per-line look-up of the SDK's log export, against the variant above.
    await withObsTracing(1, { logger: { loggerInstance: pino(loggerOptions({ serviceName: 'bench', otlp: false }), devNull()) } })
    break
  case 'preset logger + @obs/tracing + OTLP logs (HTTP/protobuf)': {
    // The same as the preset variant, with every line also exported as an OTLP log record
    // (batched, protobuf over HTTP to the sink); the logger is made after the SDK, so it finds it.
    const logs = { exporter: 'otlp', endpoint: await startOtlpSink() }
    sdk = startSdk(1, false, logs)
    app = Fastify({ loggerInstance: pino(loggerOptions({ serviceName: 'bench' }), devNull()) })
    const { default: tracing } = await import('@obs/tracing')
    await app.register(tracing)
    break
  }
  default:
    throw new Error(`unknown variant ${variant}`)
}

app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }))

// Proof that the variant traces at all (a silent no-op would look very cheap): 200 requests
// must have exported spans. Then the count starts again.
if (expectSpans) {
  for (let i = 0; i < 200; i++) await app.inject('/users/1')
  await sdk.forceFlush()
  if (exported.spans === 0) throw new Error(`${variant}: no span was exported`)
  exported.spans = 0
  if (sdk.logs !== undefined) {
    const counted = sdk.selfMetrics.read().find((f) => f.name === 'otel_sdk_exporter_log_exported_total').series
    if (!counted.some((s) => s.labels.error_type === undefined && s.value > 0) || counted.some((s) => s.labels.error_type !== undefined)) {
      throw new Error(`${variant}: log records were not exported: ${JSON.stringify(counted)}`)
    }
  }
}

await app.listen({ port: 0, host: '127.0.0.1' })
serveBenchProtocol(app.server.address().port)
