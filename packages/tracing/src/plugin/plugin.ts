import { context, isSpanContextValid, trace, type Span, type Tracer } from '@opentelemetry/api'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AlreadyRegisteredError } from '../errors.js'
import { linkMetricsExemplars } from './exemplars.js'
import { flushLogs, flushSpans } from '../sdk/flush.js'
import { installLogCorrelation, isLoggerEnabled } from './log-correlation.js'
import { resolveOptions, type TracingPluginOptions } from './options.js'
import { installServerSpans, requestSpan } from './server-spans.js'
import { linkSelfMetrics } from './self-metrics-link.js'
import { createSpanStarter } from './span-starter.js'
import { runningTracingSdk } from '../sdk/sdk.js'
import { warnWithoutSdk } from './no-sdk-warning.js'
import { createWithSpan, type WithSpan } from './with-span.js'
import { VERSION } from '../version.js'

/** What the plugin adds to the Fastify instance as `app.tracing`. */
export interface ObsTracing {
  /** The tracer of this plugin, for spans `withSpan` does not fit. */
  readonly tracer: Tracer
  /** Runs a function in a child span of the active one; see the README. */
  readonly withSpan: WithSpan
  /** The active span (inside a request: its server span, or the innermost `withSpan`). */
  activeSpan (): Span | undefined
  /**
   * Marks what follows `prefix` in the URLs of the running SDK's client spans as secret: a
   * notifier posting to a webhook whose path is its credential calls it with the webhook's URL.
   * The function returned unmarks it. Slack's webhook paths are secret already. Without an SDK
   * started by `initTracing()` (or the preload) there are no such spans, and it does nothing.
   */
  addSecretUrlPrefix (prefix: string | URL): () => void
}

declare module 'fastify' {
  interface FastifyInstance {
    tracing: ObsTracing
  }
  interface FastifyRequest {
    /** The trace id of the request's server span; undefined when the route is not traced. */
    readonly traceId: string | undefined
    /** The request's server span; undefined when the route is not traced. */
    readonly span: Span | undefined
  }
  interface FastifyContextConfig {
    /** `false`: requests to this route get no span. */
    tracing?: boolean
  }
}

const obsTracing: FastifyPluginAsync<TracingPluginOptions> = async function obsTracing (app: FastifyInstance, options: TracingPluginOptions) {
  if (app.hasDecorator('tracing')) throw new AlreadyRegisteredError()
  const o = resolveOptions(options)
  const tracer = (o.tracerProvider ?? trace.getTracerProvider()).getTracer('@obs/tracing', VERSION)
  const startServerSpan = createSpanStarter(tracer)

  const correlateLogs = o.logCorrelation && isLoggerEnabled(app.log)
  if (correlateLogs) installLogCorrelation(app, startServerSpan, o.exclude)
  // Known only for the SDK initTracing() started; with a provider of the user's own it may be on.
  const sdk = runningTracingSdk()
  const instrumentedServer = o.tracerProvider !== undefined || sdk === undefined || (sdk.enabled && sdk.config.instrumentations.httpServer)
  installServerSpans(app, { startServerSpan, exclude: o.exclude, traceIdHeader: o.traceIdHeader, correlateLogs, instrumentedServer })

  const api: ObsTracing = {
    tracer,
    withSpan: createWithSpan(tracer),
    activeSpan: () => trace.getSpan(context.active()),
    addSecretUrlPrefix: (prefix) => runningTracingSdk()?.addSecretUrlPrefix(prefix) ?? (() => {})
  }
  app.decorate('tracing', api)
  app.decorateRequest('span', {
    getter (this: FastifyRequest) {
      return requestSpan(this)?.takenSpan
    }
  })
  app.decorateRequest('traceId', {
    getter (this: FastifyRequest) {
      const spanContext = requestSpan(this)?.takenSpan?.spanContext()
      return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined
    }
  })

  // At onReady, not now: an SDK started after the plugin was registered is found by then.
  if (o.tracerProvider === undefined) app.addHook('onReady', async function hintWithoutSdk () { warnWithoutSdk() })
  if (o.exemplars) linkMetricsExemplars(app)
  linkSelfMetrics(app)
  if (o.flushOnClose) {
    app.addHook('onClose', async function flushPendingTelemetry () {
      await Promise.all([flushSpans(o.tracerProvider, o.flushTimeoutMs), flushLogs(runningTracingSdk()?.logs, o.flushTimeoutMs)])
    })
  }
}

export default fp(obsTracing, { fastify: '5.x', name: '@obs/tracing' })
export { obsTracing }
