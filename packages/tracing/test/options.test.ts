import { test, type Test } from 'tap'
import Fastify from 'fastify'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import tracing, { defaults, resolveSdkConfig, type TracingPluginOptions } from '../src/index.js'

// Every app of this file that registers without an SDK and a provider counts here.
const noSdkWarnings: Error[] = []
process.on('warning', (warning) => { if ((warning as { code?: string }).code === 'OBS_TRACING_NO_SDK') noSdkWarnings.push(warning) })

const rejects = async (t: Test, options: unknown, code: string, message?: RegExp): Promise<void> => {
  const app = Fastify()
  await t.rejects(async () => { await app.register(tracing, options as TracingPluginOptions) }, { code, ...(message === undefined ? {} : { message }) },
    `${JSON.stringify(options, (_k, v) => v instanceof RegExp ? String(v) : v)} → ${code}`)
}

test('bad options are coded errors at registration', async (t) => {
  await rejects(t, { exclude: '/health' }, 'OBS_TRACING_INVALID_OPTION', /exclude/)
  await rejects(t, { exclude: ['/ok', 42] }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { traceIdHeader: true }, 'OBS_TRACING_INVALID_OPTION', /traceIdHeader/)
  await rejects(t, { traceIdHeader: 'x trace id' }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { traceIdHeader: 'x-id\r\nset-cookie: a' }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { logCorrelation: 'yes' }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { exemplars: 1 }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { flushOnClose: null }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { flushTimeoutMs: -1 }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { flushTimeoutMs: 1.5 }, 'OBS_TRACING_INVALID_OPTION')
  await rejects(t, { tracerProvider: {} }, 'OBS_TRACING_INVALID_OPTION', /tracerProvider/)
})

test('a misspelled option is a coded error naming it and the nearest valid one', async (t) => {
  await rejects(t, { traceIdHeadr: 'x-trace-id' }, 'OBS_TRACING_INVALID_OPTION', /"traceIdHeadr": unknown option; did you mean "traceIdHeader"\?/)
  await rejects(t, { exlude: [] }, 'OBS_TRACING_INVALID_OPTION', /did you mean "exclude"/)
  t.throws(() => resolveSdkConfig({ serviceNme: 'x', env: {} } as never), { code: 'OBS_TRACING_INVALID_OPTION', message: /"serviceNme": unknown option; did you mean "serviceName"\?/ })
  t.throws(() => resolveSdkConfig({ instrumentations: { httpSever: false }, env: {} } as never), { code: 'OBS_TRACING_INVALID_OPTION', message: /did you mean "instrumentations.httpServer"/ })
})

test('the defaults are documented values', async (t) => {
  t.same(defaults, { exclude: [/^\/(health|metrics)(\/|$)/], traceIdHeader: false, logCorrelation: true, exemplars: true, flushOnClose: true, flushTimeoutMs: 5000 })
  t.ok(Object.isFrozen(defaults))
})

test('a tracer provider of its own (no global SDK at all): spans go there', async (t) => {
  const exporter = new InMemorySpanExporter()
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
  const app = Fastify()
  await app.register(tracing, { tracerProvider: provider })
  app.get('/x', async () => 'x')
  await app.inject('/x')
  t.same(exporter.getFinishedSpans().map((span) => span.name), ['GET /x'])
  t.equal(exporter.getFinishedSpans()[0]!.instrumentationScope.name, '@obs/tracing')
})

test('the plugin is a no-op tracer without any SDK: requests are served, nothing breaks', async (t) => {
  const app = Fastify({ logger: { level: 'info', stream: { write () {} } } })
  await app.register(tracing, { traceIdHeader: 'x-trace-id' })
  app.get('/x', async (request) => ({ traceId: request.traceId ?? null, active: app.tracing.activeSpan() === undefined }))
  app.get('/work', async () => app.tracing.withSpan('work', async () => 'done'))
  const response = await app.inject('/x')
  t.equal(response.statusCode, 200)
  t.same(response.json(), { traceId: null, active: true })
  t.equal(response.headers['x-trace-id'], undefined, 'no all-zero trace id is sent')
  t.equal((await app.inject('/work')).body, 'done')
})

test('the plugin flushes the provider when the app closes, and a stuck flush does not hold it up', async (t) => {
  let flushed = 0
  const provider = Object.assign(new TracerProvider(), {
    forceFlush: async () => { flushed++ }
  })
  const app = Fastify()
  await app.register(tracing, { tracerProvider: provider })
  await app.close()
  t.equal(flushed, 1)

  const stuck = Object.assign(new TracerProvider(), { forceFlush: () => new Promise<void>(() => {}) })
  const app2 = Fastify()
  await app2.register(tracing, { tracerProvider: stuck, flushTimeoutMs: 50 })
  const started = Date.now()
  await app2.close()
  t.ok(Date.now() - started < 2000, 'closing waited at most about the timeout')

  const app3 = Fastify()
  let flushed3 = 0
  await app3.register(tracing, { tracerProvider: Object.assign(new TracerProvider(), { forceFlush: async () => { flushed3++ } }), flushOnClose: false })
  await app3.close()
  t.equal(flushed3, 0)
})

test('registered with no SDK started, the plugin says so once per process', async (t) => {
  for (let i = 0; i < 2; i++) {
    const app = Fastify()
    await app.register(tracing)
    await app.ready()
    await app.close()
  }
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(noSdkWarnings.length, 1, 'one warning, for all the apps of this file that trace into no SDK')
  t.match(noSdkWarnings[0]!.message, /no OpenTelemetry SDK is started.*initTracing\(\)/)
})
