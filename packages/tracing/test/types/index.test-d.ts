// Compiled, never run: checks that the public types accept what users write and reject mistakes.
import Fastify from 'fastify'
import type { Span } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import tracing, {
  createLogger, initTracing, loggerOptions, traceLogFields, type ObsTracing, type TraceLogFields, type TracingPluginOptions,
  type TracingSdk, type TracingSdkOptions
} from '@obs/tracing'

const sdkOptions: TracingSdkOptions = { serviceName: 'agent', ignoreIncomingPaths: ['/health', /^\/internal\//] }

const sdk: TracingSdk = initTracing({ serviceName: 'agent', serviceVersion: '1.0.0', environment: 'prod', sampleRatio: 0.1 })
initTracing({ endpoint: 'http://collector:4318/v1/traces', headers: { 'x-api-key': 'k' }, protocol: 'http/json', instrumentations: { httpServer: false } })
initTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })], instrumentations: false, env: { OTEL_SDK_DISABLED: 'true' } })
initTracing({ sampler: 'parentbased_always_on', exporter: 'console' })
// @ts-expect-error not a sampler name
initTracing({ sampler: 'sometimes' })
initTracing({ protocol: 'grpc', endpoint: 'http://collector:4317', compression: 'gzip', timeoutMs: 5000 })
initTracing({ logs: { exporter: 'otlp', protocol: 'grpc', endpoint: 'http://collector:4317', headers: { 'x-api-key': 'k' } } })
// @ts-expect-error logs are not sent as JSON
initTracing({ logs: { exporter: 'otlp', protocol: 'http/json' } })
// @ts-expect-error not a logs exporter
initTracing({ logs: { exporter: 'console' } })
const exportedSpans: number | undefined = sdk.selfMetrics.read().find((f) => f.name === 'otel_sdk_exporter_span_exported_total')?.series[0]?.value
createLogger({ otlp: true })
const flushed: Promise<void> = sdk.forceFlush()

const app = Fastify({ logger: loggerOptions({ serviceName: 'agent', redact: ['body.card'] }) })
await app.register(tracing)
await app.register(tracing, { exclude: ['/internal', /^\/debug/], traceIdHeader: 'x-trace-id', logCorrelation: true, exemplars: false })
await app.register(tracing, { tracerProvider: sdk.provider, flushOnClose: true, flushTimeoutMs: 2000 })
// @ts-expect-error the header option is a name or false
await app.register(tracing, { traceIdHeader: true })
// @ts-expect-error exclude holds strings and RegExps
await app.register(tracing, { exclude: [42] })

const options: TracingPluginOptions = { exclude: [] }

interface QueryBuilder extends PromiseLike<Array<{ id: number }>> {
  where (column: string, value: number): QueryBuilder
}
declare const query: QueryBuilder
const api: ObsTracing = app.tracing

app.get('/private', { config: { tracing: false } }, async () => 'x')
// @ts-expect-error the route option is a boolean
app.get('/wrong', { config: { tracing: 'off' } }, async () => 'x')

app.get('/agent', async (request) => {
  const traceId: string | undefined = request.traceId
  const span: Span | undefined = request.span
  span?.setAttribute('tenant', 'acme')
  const hits: Promise<number> = app.tracing.withSpan('search', { 'search.query': 'cats' }, async (child) => {
    child.setAttribute('search.hits', 3)
    return 3
  })
  const parsed: number = app.tracing.withSpan('parse', (child) => { child.addEvent('parsed'); return 1 })
  const nothing: void = app.tracing.withSpan('log', () => {})
  // A thenable with methods of its own (a query builder) comes back as a plain Promise.
  const rows = app.tracing.withSpan('db.query', () => query.where('id', 1))
  const awaited: Promise<Array<{ id: number }>> = rows
  // @ts-expect-error the builder's methods are gone: the result is a Promise
  rows.where('id', 2)
  // @ts-expect-error an async function's result is a Promise, not its value
  const notAwaited: number = app.tracing.withSpan('search', async () => 3)
  // @ts-expect-error attributes are an object
  app.tracing.withSpan('x', 'attrs', () => 1)
  return { traceId, hits: await hits, parsed, nothing, rows: await awaited, notAwaited }
})

const fields: TraceLogFields | undefined = traceLogFields()
const logger = createLogger({ serviceName: 'worker', level: 'debug' })
logger.info({ job: 1 }, 'started')
const active: Span | undefined = api.activeSpan()

export { options, sdkOptions, flushed, fields, active, exportedSpans }
