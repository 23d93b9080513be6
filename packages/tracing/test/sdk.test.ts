import { test } from 'tap'
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace'
import type { IncomingMessage } from 'node:http'
import { initTracing, resolveSdkConfig, runningTracingSdk, type ResolvedSdkConfig } from '../src/index.js'
import { createIncomingFilter } from '../src/sdk/sdk.js'

/**
 * This package's warnings emitted while `fn` runs (process.emitWarning reaches 'warning'
 * listeners on nextTick). Others are left out: on Node 26 the test runner's own TypeScript loader
 * earns a DEP0205 deprecation that may land in the same tick.
 */
async function warnings<T> (fn: () => T): Promise<{ result: T, codes: string[], messages: string[] }> {
  const seen: Array<Error & { code?: string }> = []
  const listener = (warning: Error & { code?: string }): void => { if (warning.code?.startsWith('OBS_') === true) seen.push(warning) }
  process.on('warning', listener)
  try {
    const result = fn()
    await new Promise((resolve) => setImmediate(resolve))
    return { result, codes: seen.map((w) => w.code ?? ''), messages: seen.map((w) => w.message) }
  } finally {
    process.off('warning', listener)
  }
}

const exporterOf = (config: ResolvedSdkConfig): ResolvedSdkConfig['exporter'] => config.exporter

test('defaults: no endpoint means no exporter, a parent-based ratio sampler at 1, all instrumentation on', async (t) => {
  const config = resolveSdkConfig({ env: {} })
  t.same(exporterOf(config), { kind: 'none' })
  t.same(config.sampler, { kind: 'named', name: 'parentbased_traceidratio', ratio: 1 })
  t.same(config.instrumentations, { httpServer: true, httpClient: true, fetch: true })
  t.equal(config.disabled, false)
  t.match(config.service.name, /^unknown_service:/)
  t.same(config.ignoreIncomingPaths, [], 'the Fastify plugin decides what is left out')
})

test('OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces; the traces endpoint is taken as it is and wins', async (t) => {
  const otlp = { kind: 'otlp', configured: true, headers: {}, protocol: 'http/protobuf', compression: undefined, timeoutMs: undefined }
  t.same(exporterOf(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' } })),
    { ...otlp, url: 'http://collector:4318/v1/traces' })
  t.same(exporterOf(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/base/' } })),
    { ...otlp, url: 'https://otlp.example.com/base/v1/traces' })
  t.match(exporterOf(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' } })),
    { url: 'http://b:9999/custom' })
  t.match(exporterOf(resolveSdkConfig({ endpoint: 'http://code:4318/v1/traces', env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:4318/v1/traces' } })),
    { url: 'http://code:4318/v1/traces' }, 'options win over the environment')
})

test('headers: the general and the traces variable merge, percent-decoded, traces winning', async (t) => {
  const config = resolveSdkConfig({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%20def, x-tenant=acme',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=traces-tenant'
    }
  })
  t.match(exporterOf(config), { headers: { 'x-api-key': 'abc def', 'x-tenant': 'traces-tenant' } })
})

test('protocol: http/json and grpc are supported; an unknown one is warned about', async (t) => {
  t.match(exporterOf(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } })), { protocol: 'http/json' })
  t.match(exporterOf(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' } })), { protocol: 'grpc' })
  const { result, codes, messages } = await warnings(() => resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' } }))
  t.match(exporterOf(result), { protocol: 'http/protobuf' })
  t.same(codes, ['OBS_TRACING_INVALID_ENV'])
  t.match(messages[0], /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="thrift"/)
})

test('OTEL_TRACES_EXPORTER chooses the exporter; otlp without an endpoint uses localhost:4318', async (t) => {
  t.same(exporterOf(resolveSdkConfig({ env: { OTEL_TRACES_EXPORTER: 'console' } })), { kind: 'console' })
  t.same(exporterOf(resolveSdkConfig({ env: { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' } })), { kind: 'none' })
  t.match(exporterOf(resolveSdkConfig({ env: { OTEL_TRACES_EXPORTER: 'otlp' } })), { kind: 'otlp', url: 'http://localhost:4318/v1/traces' })
})

test('OTEL_TRACES_SAMPLER and its argument', async (t) => {
  t.same(resolveSdkConfig({ env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' } }).sampler,
    { kind: 'named', name: 'traceidratio', ratio: 0.25 })
  t.same(resolveSdkConfig({ env: { OTEL_TRACES_SAMPLER_ARG: '0.1' } }).sampler, { kind: 'named', name: 'parentbased_traceidratio', ratio: 0.1 })
  t.same(resolveSdkConfig({ sampleRatio: 0.5, env: { OTEL_TRACES_SAMPLER_ARG: '0.1' } }).sampler,
    { kind: 'named', name: 'parentbased_traceidratio', ratio: 0.5 }, 'options win')
  const bad = await warnings(() => resolveSdkConfig({ env: { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_SAMPLER_ARG: '1.5' } }))
  t.same(bad.result.sampler, { kind: 'named', name: 'parentbased_traceidratio', ratio: 1 }, 'invalid values fall back to the defaults')
  t.same(bad.codes, ['OBS_TRACING_INVALID_ENV', 'OBS_TRACING_INVALID_ENV'])
})

test('OTEL_BSP_* configure the batch processor; invalid values are warned about and ignored', async (t) => {
  t.same(resolveSdkConfig({ env: {} }).batch, {}, 'the SDK\'s own defaults by default')
  const env = { OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BSP_EXPORT_TIMEOUT: '1000', OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10' }
  t.same(resolveSdkConfig({ env }).batch, { scheduledDelayMillis: 200, exportTimeoutMillis: 1000, maxQueueSize: 100, maxExportBatchSize: 10 })
  const bad = await warnings(() => resolveSdkConfig({ env: { OTEL_BSP_SCHEDULE_DELAY: 'soon', OTEL_BSP_MAX_QUEUE_SIZE: '0', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1.5' } }))
  t.same(bad.result.batch, {})
  t.same(bad.codes, ['OBS_TRACING_INVALID_ENV', 'OBS_TRACING_INVALID_ENV', 'OBS_TRACING_INVALID_ENV'])
})

test('service name, version and environment: options, then OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES, then npm', async (t) => {
  const env = {
    OTEL_SERVICE_NAME: 'env-name',
    OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-name,service.version=1.2.3,deployment.environment.name=prod,team=agents',
    npm_package_name: '@obs/agent',
    npm_package_version: '0.0.1'
  }
  const config = resolveSdkConfig({ env })
  t.same(config.service, { name: 'env-name', version: '1.2.3', environment: 'prod' })
  t.match(config.resourceAttributes, { 'service.name': 'env-name', 'service.version': '1.2.3', 'deployment.environment.name': 'prod', team: 'agents' })
  t.same(resolveSdkConfig({ serviceName: 'code', environment: 'dev', env }).service, { name: 'code', version: '1.2.3', environment: 'dev' })
  t.same(resolveSdkConfig({ env: { npm_package_name: '@obs/agent', npm_package_version: '0.0.1' } }).service, { name: '@obs/agent', version: '0.0.1', environment: undefined })
  t.same(resolveSdkConfig({ env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=legacy' } }).service.environment, 'legacy', 'the old attribute is read too')
  const bad = await warnings(() => resolveSdkConfig({ env: { OTEL_RESOURCE_ATTRIBUTES: 'a=1,broken,b=2' } }))
  t.notOk('a' in bad.result.resourceAttributes, 'a malformed list is ignored whole')
  t.same(bad.codes, ['OBS_TRACING_INVALID_ENV'])
})

test('OTEL_SDK_DISABLED and OTEL_NODE_DISABLED_INSTRUMENTATIONS', async (t) => {
  t.equal(resolveSdkConfig({ env: { OTEL_SDK_DISABLED: 'TRUE' } }).disabled, true)
  t.equal(resolveSdkConfig({ env: { OTEL_SDK_DISABLED: 'false' } }).disabled, false)
  t.same(resolveSdkConfig({ env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' } }).instrumentations, { httpServer: false, httpClient: false, fetch: true })
  t.same(resolveSdkConfig({ env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici, fs' } }).instrumentations, { httpServer: true, httpClient: true, fetch: false })
  t.same(resolveSdkConfig({ instrumentations: { httpServer: false }, env: {} }).instrumentations, { httpServer: false, httpClient: true, fetch: true })
  const bad = await warnings(() => resolveSdkConfig({ env: { OTEL_SDK_DISABLED: 'yes please' } }))
  t.equal(bad.result.disabled, false)
  t.same(bad.codes, ['OBS_TRACING_INVALID_ENV'])
})

test('invalid endpoints in the environment are warned about and ignored', async (t) => {
  const { result, codes } = await warnings(() => resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' } }))
  t.same(exporterOf(result), { kind: 'none' })
  t.same(codes, ['OBS_TRACING_INVALID_ENV'])
})

test('an invalid endpoint variable is named in the warning, its credentials never shown', async (t) => {
  const { result, codes, messages } = await warnings(() => resolveSdkConfig({
    env: {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpcs://svc-user:s3cr3t-pass@collector:4317/?api_key=tok-123',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'token=bearer-xyz@collector:4318'
    }
  }))
  t.same(exporterOf(result), { kind: 'none' }, 'both ignored')
  t.same(codes, ['OBS_TRACING_INVALID_ENV', 'OBS_TRACING_INVALID_ENV'])
  t.match(messages[0], /^Ignoring OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: expected an http\(s\) URL; its scheme is neither http nor https \(the value is not shown/)
  t.match(messages[1], /^Ignoring OTEL_EXPORTER_OTLP_ENDPOINT: expected an http\(s\) URL; it does not parse as a URL \(the value is not shown/)
  for (const secret of ['svc-user', 's3cr3t-pass', 'tok-123', 'bearer-xyz', 'collector', 'grpcs']) {
    t.notOk(messages.some((message) => message.includes(secret)), `no warning holds "${secret}"`)
  }
  const logs = await warnings(() => resolveSdkConfig({ env: { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'ftp://u:logs-pass@h/' } }))
  t.match(logs.messages, [/^Ignoring OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: /])
  t.notOk(logs.messages.some((message) => message.includes('logs-pass')), 'nor for logs')
})

test('bad options are coded errors', async (t) => {
  const bad: unknown[] = [
    { endpoint: 'ftp://x' }, { endpoint: 42 }, { headers: { a: 1 } }, { protocol: 'grpc/json' }, { exporter: 'zipkin' }, { exporter: {} },
    { sampler: 'sometimes' }, { sampler: {} }, { sampleRatio: 2 }, { sampleRatio: -0.1 }, { sampleRatio: '0.5' },
    { instrumentations: 'all' }, { instrumentations: { fetch: 'yes' } }, { serviceName: '' }, { serviceVersion: 3 },
    { resourceAttributes: { a: {} } }, { disabled: 'no' }, { ignoreIncomingPaths: ['health'] }, { spanProcessors: [{}] }, null
  ]
  for (const options of bad) {
    t.throws(() => resolveSdkConfig(options as never), { code: 'OBS_TRACING_INVALID_OPTION' }, JSON.stringify(options))
  }
})

test('initTracing registers the globals once, returns the running SDK again, and shutdown undoes it', async (t) => {
  const exporter = new InMemorySpanExporter()
  const sdk = initTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: false, serviceName: 'sdk-test', env: {} })
  t.equal(sdk.enabled, true)
  t.equal(runningTracingSdk(), sdk)
  const again = await warnings(() => initTracing({ serviceName: 'other' }))
  t.equal(again.result, sdk, 'the running SDK is returned')
  t.same(again.codes, ['OBS_TRACING_ALREADY_STARTED'])

  trace.getTracer('t').startActiveSpan('check', (span) => {
    const carrier: Record<string, string> = {}
    propagation.inject(context.active(), carrier)
    t.match(carrier.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'W3C propagation is registered')
    span.end()
  })
  t.equal(exporter.getFinishedSpans()[0]!.resource.attributes['service.name'], 'sdk-test')
  t.equal(exporter.getFinishedSpans()[0]!.resource.attributes['telemetry.sdk.language'], 'nodejs')

  await sdk.shutdown()
  await sdk.shutdown()
  t.equal(runningTracingSdk(), undefined)
  t.notOk(trace.getTracer('t').startSpan('after').isRecording(), 'the API is a no-op again')
  const carrier: Record<string, string> = {}
  propagation.inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }), carrier)
  t.same(carrier, {})
})

test('span processors of your own get onEnding too, when they have it', async (t) => {
  const ending: string[] = []
  const processor: SpanProcessor = {
    onStart () {},
    onEnding (span) { ending.push(span.name) },
    onEnd () {},
    forceFlush: async () => {},
    shutdown: async () => {}
  }
  const sdk = initTracing({ spanProcessors: [processor], instrumentations: false, env: {} })
  t.teardown(() => sdk.shutdown())
  trace.getTracer('t').startSpan('ending').end()
  t.same(ending, ['ending'])
})

test('a span processor added to the running SDK sees spans from then on, until removed', async (t) => {
  const exporter = new InMemorySpanExporter()
  const sdk = initTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: false, env: {} })
  t.teardown(() => sdk.shutdown())
  const joined = new InMemorySpanExporter()
  trace.getTracer('t').startSpan('before').end()
  const remove = sdk.addSpanProcessor(new SimpleSpanProcessor({ exporter: joined }))
  trace.getTracer('t').startSpan('while').end()
  remove()
  trace.getTracer('t').startSpan('after').end()
  t.same(joined.getFinishedSpans().map((span) => span.name), ['while'])
  t.same(exporter.getFinishedSpans().map((span) => span.name), ['before', 'while', 'after'], 'the exporting processor is unchanged')
})

test('a disabled SDK registers nothing', async (t) => {
  const sdk = initTracing({ env: { OTEL_SDK_DISABLED: 'true' } })
  t.equal(sdk.enabled, false)
  t.equal(sdk.provider, undefined)
  t.notOk(trace.getTracer('t').startSpan('x').isRecording())
  await sdk.forceFlush()
  await sdk.shutdown()
  t.equal(runningTracingSdk(), undefined)
})

test('the sampler names map to the samplers they say', async (t) => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['always_off', {}, false],
    ['always_on', {}, true],
    ['traceidratio', { OTEL_TRACES_SAMPLER_ARG: '0' }, false],
    ['parentbased_always_off', {}, false],
    ['parentbased_always_on', {}, true],
    ['parentbased_traceidratio', { OTEL_TRACES_SAMPLER_ARG: '1' }, true]
  ]
  for (const [name, env, sampled] of cases) {
    const sdk = initTracing({ instrumentations: false, env: { OTEL_TRACES_SAMPLER: name, ...env } })
    t.equal(trace.getTracer('t').startSpan('x').isRecording(), sampled, name)
    await sdk.shutdown()
  }
})

test('ignoreIncomingPaths: none by default; prefixes at a / and RegExps when given', async (t) => {
  t.equal(createIncomingFilter([]), undefined, 'no filter at all by default')
  const ignore = createIncomingFilter(['/internal', /^\/debug\//])!
  const request = (url: string): IncomingMessage => ({ url }) as IncomingMessage
  for (const url of ['/internal', '/internal/', '/internal/ping?x=1', '/debug/vars']) t.ok(ignore(request(url)), url)
  for (const url of ['/internals', '/api/internal', '/debug', '/']) t.notOk(ignore(request(url)), url)
})
