import { SpanStatusCode, type Span } from '@opentelemetry/api'
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ConsoleSpanExporter, ParentBasedSampler,
  TraceIdRatioBasedSampler, type ReadableSpan, type Sampler, type SpanExporter, type SpanProcessor, type TracerProvider
} from '@opentelemetry/sdk-trace'
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_ROUTE, ATTR_URL_FULL, ATTR_URL_PATH, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions'
import type { IncomingMessage } from 'node:http'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { hostname } from 'node:os'
import { registerGlobals, unregisterGlobals } from './globals.js'
import { createLogExport, type LogSink } from '../logs/log-export.js'
import { createOtlpSpanExporter, type ExportObservers } from './otlp-exporters.js'
import { ExportFailureLog } from '../self-metrics/export-failure-log.js'
import { type SelfMetricFamily, SelfMetrics } from '../self-metrics/self-metrics.js'
import type { BatchConfig } from './batch-env.js'
import { RandomFlagTracerProvider } from './random-flag.js'
import { SecretUrlPrefixes } from '../redact/secret-urls.js'
import { SpanProcessorList } from './span-processor-list.js'
import { redactUrl } from '../redact/redact-url.js'
import { type CarriesRequestSpan, kRequestSpan } from '../symbols.js'
import {
  type ExporterConfig, resolveSdkConfig, type ResolvedSdkConfig, type SamplerConfig, type TracingSdkOptions
} from './sdk-config.js'

/** The running SDK, as `initTracing()` returns it. */
export interface TracingSdk {
  /** False when the SDK was disabled (`OTEL_SDK_DISABLED=true`): the API stays a no-op. */
  readonly enabled: boolean
  readonly config: ResolvedSdkConfig
  /** The provider, registered as the global one; undefined when disabled. */
  readonly provider: TracerProvider | undefined
  /**
   * Adds a span processor to the running provider, beside the exporting ones (an in-process span
   * store, for example); the function returned removes it. Discarded spans never reach it.
   */
  addSpanProcessor (processor: SpanProcessor): () => void
  /**
   * Marks what follows `prefix` in the URLs of client spans as secret (a webhook whose path is
   * its credential); the function returned unmarks it. Slack's webhook paths are secret already.
   */
  addSecretUrlPrefix (prefix: string | URL): () => void
  /**
   * The export counters (`otel_sdk_exporter_span_exported_total`, …), readable with or without
   * @obs/metrics (which shows them on `/metrics` when the plugin is registered).
   */
  readonly selfMetrics: { read (): SelfMetricFamily[] }
  /** Where the logger preset sends its lines when logs go over OTLP; undefined otherwise. */
  readonly logs: LogSink | undefined
  /** Exports the spans and log records still buffered. */
  forceFlush (): Promise<void>
  /** Flushes, stops exporting (spans and logs), removes the instrumentation and the global registrations. */
  shutdown (): Promise<void>
}

// The SDK is process-wide by nature (it registers OpenTelemetry's globals); this slot makes a
// second `initTracing()` (or a second copy of this package) find the running one.
const kRunning = Symbol.for('@obs/tracing.sdk')
type Slot = typeof globalThis & { [kRunning]?: TracingSdk }
/** HTTP instrumentation's replacement for a redacted value. */
const REDACTED = 'REDACTED'

function createSampler (config: SamplerConfig): Sampler {
  if (config.kind === 'custom') return config.sampler
  const ratio = new TraceIdRatioBasedSampler(config.ratio)
  switch (config.name) {
    case 'always_on': return new AlwaysOnSampler()
    case 'always_off': return new AlwaysOffSampler()
    case 'traceidratio': return ratio
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: ratio })
  }
}

function createExporter (config: Exclude<ExporterConfig, { kind: 'processors' | 'none' }>, observers: ExportObservers): SpanExporter {
  switch (config.kind) {
    case 'custom': return config.exporter
    case 'console': return new ConsoleSpanExporter()
    case 'otlp': return createOtlpSpanExporter(config, observers)
  }
}

function createSpanProcessors (config: ExporterConfig, batch: BatchConfig, observers: ExportObservers): SpanProcessor[] {
  if (config.kind === 'none') return []
  return config.kind === 'processors'
    ? [...config.spanProcessors]
    : [new BatchSpanProcessor({ ...batch, exporter: createExporter(config, observers), selfObsMeterProvider: observers.selfMetrics.meterProvider })]
}

/** Whether HTTP server instrumentation should leave a request alone (`ignoreIncomingPaths`). */
export function createIncomingFilter (paths: ReadonlyArray<string | RegExp>): ((request: IncomingMessage) => boolean) | undefined {
  if (paths.length === 0) return undefined
  return function ignoreIncomingRequest (request) {
    const url = request.url ?? '/'
    const query = url.indexOf('?')
    const path = query === -1 ? url : url.slice(0, query)
    for (const rule of paths) {
      if (typeof rule === 'string') {
        if (path === rule || (path.startsWith(rule) && (rule.endsWith('/') || path[rule.length] === '/'))) return true
      } else if (rule.test(path)) {
        return true
      }
    }
    return false
  }
}

/** `url.query` with or without its `?` (undici keeps it, HTTP instrumentation does not). */
function redactQuery (query: string): string {
  return query.startsWith('?') ? redactUrl(query, REDACTED) : redactUrl(`?${query}`, REDACTED).slice(1)
}

/**
 * The one rule for secrets in URLs, for every client and server span of HTTP and undici
 * instrumentation: `url.full` and `url.query` as the instrumentation recorded them, with the
 * values of secret parameters (`redactUrl`) replaced, and the path of a URL under a secret prefix
 * (a webhook) replaced whole, in `url.path` too. A request hook, because it runs as the span
 * starts, on every path (a request that fails or is aborted too).
 */
function spanUrlRedactor (secretUrls: SecretUrlPrefixes): (span: Span) => void {
  return function redactSpanUrls (span) {
    const attributes = (span as Partial<ReadableSpan>).attributes
    if (attributes === undefined) return // not recording
    const full = attributes[ATTR_URL_FULL]
    if (typeof full === 'string') {
      const secretPath = secretUrls.redact(full)
      if (secretPath !== full) {
        span.setAttribute(ATTR_URL_FULL, secretPath)
        if (typeof attributes[ATTR_URL_PATH] === 'string') span.setAttribute(ATTR_URL_PATH, new URL(secretPath).pathname)
        if (typeof attributes[ATTR_URL_QUERY] === 'string') span.setAttribute(ATTR_URL_QUERY, REDACTED)
        return
      }
      const redacted = redactUrl(full, REDACTED)
      if (redacted !== full) span.setAttribute(ATTR_URL_FULL, redacted)
    }
    const query = attributes[ATTR_URL_QUERY]
    if (typeof query === 'string') {
      const redacted = redactQuery(query)
      if (redacted !== query) span.setAttribute(ATTR_URL_QUERY, redacted)
    }
  }
}

/**
 * What HTTP instrumentation changes on a server span as it ends it, put back as the plugin had
 * it: the name, which it writes `{method} {route}` with the raw method, where the semantic
 * conventions want `HTTP` for a method they do not list (`HTTP /dav`, not `PROPFIND /dav`); and a
 * failed span's status and `error.type`, which it sets without the description the plugin gave
 * (the error's message) and with the status code for the type (`500` where the plugin had
 * `TypeError`).
 */
function finishServerSpan (span: Span, request: object): void {
  const attributes = (span as Partial<ReadableSpan>).attributes
  const route = attributes?.[ATTR_HTTP_ROUTE]
  if (attributes?.[ATTR_HTTP_REQUEST_METHOD] === '_OTHER' && typeof route === 'string') span.updateName(`HTTP ${route}`)
  const failure = (request as CarriesRequestSpan)[kRequestSpan]?.failure
  if (failure === undefined) return
  if (failure.message !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message })
  span.setAttribute(ATTR_ERROR_TYPE, failure.type)
}

function createInstrumentations (config: ResolvedSdkConfig, secretUrls: SecretUrlPrefixes): Instrumentation[] {
  const { httpServer, httpClient, fetch } = config.instrumentations
  const instrumentations: Instrumentation[] = []
  const redactSpanUrls = spanUrlRedactor(secretUrls)
  if (httpServer || httpClient) {
    instrumentations.push(new HttpInstrumentation({
      disableIncomingRequestInstrumentation: !httpServer,
      disableOutgoingRequestInstrumentation: !httpClient,
      ignoreIncomingRequestHook: createIncomingFilter(config.ignoreIncomingPaths),
      // Its own short lists off: redactSpanUrls applies the one rule to everything.
      redactedQueryParams: [],
      redactedQueryParamsServer: [],
      requestHook: redactSpanUrls,
      applyCustomAttributesOnSpan: finishServerSpan
    }))
  }
  if (fetch) instrumentations.push(new UndiciInstrumentation({ requestHook: redactSpanUrls }))
  return instrumentations
}

/**
 * HTTP instrumentation patches `node:http` when it is required. An ESM app without loader
 * hooks imports it without a require, so require it here, once the instrumentation is in place:
 * the server prototype and the module's `request`/`get` are patched in place, and
 * `syncBuiltinESMExports` hands the patched functions to ESM named imports too.
 */
function patchCoreHttpModules (): void {
  const require = createRequire(import.meta.url)
  require('node:http')
  require('node:https')
  syncBuiltinESMExports()
}

function disabledSdk (config: ResolvedSdkConfig): TracingSdk {
  return {
    enabled: false,
    config,
    provider: undefined,
    addSpanProcessor: () => () => {},
    addSecretUrlPrefix: () => () => {},
    selfMetrics: new SelfMetrics(),
    logs: undefined,
    forceFlush: async () => {},
    shutdown: async () => {
      if ((globalThis as Slot)[kRunning]?.config === config) delete (globalThis as Slot)[kRunning]
    }
  }
}

/**
 * Starts OpenTelemetry tracing for the process: a tracer provider with the service's
 * resource, a parent-based ratio sampler, a batch processor and an OTLP exporter (HTTP/protobuf,
 * HTTP/JSON or gRPC) when an endpoint is configured, a logger provider with the same resource when
 * logs go over OTLP, self-metrics of both exports, W3C trace context propagation, and HTTP client and server
 * instrumentation. Options win over `OTEL_*` variables, which win over defaults. Call it before
 * the app starts serving; a second call returns the SDK already running.
 */
export function initTracing (options: TracingSdkOptions = {}): TracingSdk {
  const slot = globalThis as Slot
  const running = slot[kRunning]
  if (running !== undefined) {
    if (Object.keys(options).length > 0) {
      process.emitWarning('initTracing() was called again with options; they are ignored and the running SDK is returned',
        { code: 'OBS_TRACING_ALREADY_STARTED' })
    }
    return running
  }
  const config = resolveSdkConfig(options)
  if (config.disabled) {
    slot[kRunning] = disabledSdk(config)
    return slot[kRunning]
  }

  const resource = defaultResource().merge(resourceFromAttributes({
    'host.name': hostname(),
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    ...config.resourceAttributes
  }))
  const observers: ExportObservers = { selfMetrics: new SelfMetrics(), failures: new ExportFailureLog() }
  const processors = new SpanProcessorList(createSpanProcessors(config.exporter, config.batch, observers))
  // The same resource object as the spans': records and spans of one service match.
  const logs = config.logs.kind === 'otlp' ? createLogExport(config.logs, resource, observers) : undefined
  const provider = new RandomFlagTracerProvider({
    resource,
    sampler: createSampler(config.sampler),
    spanProcessors: [processors]
  })
  registerGlobals(provider)
  const secretUrls = new SecretUrlPrefixes()
  const instrumentations = createInstrumentations(config, secretUrls)
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations })
  if (config.instrumentations.httpServer || config.instrumentations.httpClient) patchCoreHttpModules()

  let stopping: Promise<void> | undefined
  const sdk: TracingSdk = {
    enabled: true,
    config,
    provider,
    addSpanProcessor: (processor) => processors.add(processor),
    addSecretUrlPrefix: (prefix) => secretUrls.add(prefix),
    selfMetrics: observers.selfMetrics,
    logs,
    forceFlush: async () => { await Promise.all([provider.forceFlush(), logs?.forceFlush()]) },
    shutdown () {
      stopping ??= (async () => {
        unregister()
        syncBuiltinESMExports()
        try {
          await Promise.all([provider.shutdown(), logs?.shutdown()])
        } finally {
          unregisterGlobals()
          if (slot[kRunning] === sdk) delete slot[kRunning]
        }
      })()
      return stopping
    }
  }
  slot[kRunning] = sdk
  return sdk
}

/** The SDK `initTracing()` (or the register preload) started, if any. */
export function runningTracingSdk (): TracingSdk | undefined {
  return (globalThis as Slot)[kRunning]
}
