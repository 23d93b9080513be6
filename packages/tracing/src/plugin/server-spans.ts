import { context } from '@opentelemetry/api'
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core'
import type { ExcludeRule } from '@obs/core'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { withTraceFields } from '../logging/log-fields.js'
import { RequestSpan } from './request-span.js'
import { createRouteResolver, type RouteTracing } from './route-state.js'
import { discardInstrumentationSpan, type SpanStarter } from './span-starter.js'

export interface ServerSpanOptions {
  readonly startServerSpan: SpanStarter
  readonly exclude: readonly ExcludeRule[]
  /** Response header that carries the trace id, or false. */
  readonly traceIdHeader: string | false
  /** Give `request.log` the trace fields here when no child logger factory did. */
  readonly correlateLogs: boolean
  /**
   * HTTP server instrumentation may end a request's span before onResponse: failures are then
   * recorded in onSend. False only when it is known to be off.
   */
  readonly instrumentedServer: boolean
}

/** The server span of a request, when it has one. */
export function requestSpan (request: FastifyRequest): RequestSpan | undefined {
  return RequestSpan.of(request.raw)
}

/**
 * Adds the hooks that give every traced request exactly one server span. Each hook finds the
 * request's RequestSpan and asks it to act: the hooks decide when, the RequestSpan writes.
 */
export function installServerSpans (app: FastifyInstance, options: ServerSpanOptions): void {
  const { startServerSpan, traceIdHeader, correlateLogs } = options
  const routes = createRouteResolver(options.exclude)
  const resolveRoute = (request: FastifyRequest): RouteTracing | null => routes.get(request.routeOptions.config, request.method)
  // Routes declared from now on find their state at once; earlier ones on first use.
  app.addHook('onRoute', function prepareRouteTracing (route) { routes.prepare(route) })

  app.addHook('onRequest', function startRequestSpan (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    let started = RequestSpan.of(request.raw)
    // Taken (and ended) already when the client went away while an earlier hook was pending.
    if (started?.isTaken === true) return done()
    const route = resolveRoute(request)
    if (route === null) return leaveOut(request, done)
    if (started === undefined) {
      started = startServerSpan(request.headers, route.name, true)?.attachTo(request.raw)
      if (started === undefined) return done()
      // Routes declared before the plugin (and Fastify's default 404) built their logger
      // before any hook ran: bind the fields now.
      if (correlateLogs) request.log = reply.log = withTraceFields(request.log, started.span!)
    }
    started.take(request, reply, route, traceIdHeader)
    // Everything that runs from here on (hooks, handler, outbound calls) sees the span.
    if (context.active() === started.context) return done()
    context.with(started.context, done)
  })

  // Body parsing continues from the socket's own async context, which is not the request's:
  // enter it again just before the handler.
  app.addHook('preHandler', function enterRequestContext (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    const ctx = RequestSpan.of(request.raw)?.context
    if (ctx === undefined || context.active() === ctx) return done()
    context.with(ctx, done)
  })

  // onError runs before the error handler has chosen the status code: keep the error, and
  // decide once the status is final whether it failed the request (5xx) or not (4xx).
  app.addHook('onError', function keepRequestError (request: FastifyRequest, _reply: FastifyReply, error: unknown, done: HookHandlerDoneFunction) {
    RequestSpan.of(request.raw)?.keepError(error)
    done()
  })

  /**
   * The span of a request whose onRequest hook did not run for us: an onRequest hook registered
   * before the plugin answered first (a 401 from an auth plugin). It is started now, backdated to
   * when the request arrived, or taken from the child logger factory that started it.
   */
  function taken (request: FastifyRequest, reply: FastifyReply): RequestSpan | undefined {
    const known = RequestSpan.of(request.raw)
    if (known?.isTaken === true) return known
    const route = resolveRoute(request)
    if (route === null) {
      discardInstrumentationSpan(context.active())
      return undefined
    }
    const late = known ?? startServerSpan(request.headers, route.name, true, Date.now() - reply.elapsedTime)?.attachTo(request.raw)
    late?.take(request, reply, route, traceIdHeader)
    return late
  }

  // The status code is final here and nothing is written yet, while HTTP instrumentation ends
  // its span when the response closes, possibly before onResponse hooks run: record failures now.
  // A request an earlier onRequest hook answered gets its span (and trace id header) here too.
  // With neither in play, onResponse does it all, and the request path has one hook less.
  if (options.instrumentedServer || traceIdHeader !== false) {
    app.addHook('onSend', function recordRequestFailure (request, reply, payload, done) {
      const span = taken(request, reply)
      if (reply.statusCode >= 500) span?.fail(reply.statusCode)
      done(null, payload)
    })
  }

  // Ends the spans the plugin started. A reply that skipped onSend (hijacked, or written to
  // reply.raw) is described here.
  app.addHook('onResponse', function endRequestSpan (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    const span = taken(request, reply)
    if (span === undefined) return done()
    const status = reply.statusCode
    if (status >= 500) span.fail(status)
    span.end(status)
    done()
  })

  // A client that goes away before the response means no onResponse: end the span here. When
  // it left while an earlier onRequest hook was pending, the span is still the one the child
  // logger factory started.
  app.addHook('onRequestAbort', function endAbortedRequestSpan (request: FastifyRequest, done: HookHandlerDoneFunction) {
    RequestSpan.of(request.raw)?.abort()
    done()
  })
}

/**
 * An excluded request is not traced at all. HTTP instrumentation's span, when it started one, is
 * claimed (so that no request served inside this one takes it) and marked for the SDK to leave
 * out; everything the request does from here on runs with tracing suppressed, as for a path HTTP
 * instrumentation ignores, so that no span is left without its parent.
 */
function leaveOut (request: FastifyRequest, done: HookHandlerDoneFunction): void {
  const active = context.active()
  if (isTracingSuppressed(active)) return done()
  discardInstrumentationSpan(active)
  const suppressed = suppressTracing(active)
  RequestSpan.untraced(suppressed).attachTo(request.raw)
  context.with(suppressed, done)
}
