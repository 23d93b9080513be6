import { context, INVALID_TRACEID, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api'
import { getRPCMetadata, isTracingSuppressed, RPCType, suppressTracing, type RPCMetadata } from '@opentelemetry/core'
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions'
import type { ExcludeRule } from '@obs/core'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { recordFailure } from './failure.js'
import { withTraceFields } from './log-fields.js'
import { type CarriesFailure, type Discardable, kDiscarded, kFailure } from './marks.js'
import { requestAttributes } from './request-attributes.js'
import { createRouteResolver, type RouteTracing } from './route-state.js'

/** The server span of a request and the context it runs in. */
export class StartedSpan {
  constructor (
    readonly span: Span,
    readonly context: Context,
    /** True when this plugin started the span and so ends it; false when HTTP instrumentation did. */
    readonly owned: boolean,
    /** True when the span was started with its final name (the route was known). */
    readonly named: boolean
  ) {}
}

// Request fields, declared with `decorateRequest` so every request has the same shape.
const kSpan = Symbol('obs.tracing.span')
const kContext = Symbol('obs.tracing.context')
const kOwned = Symbol('obs.tracing.owned')
const kError = Symbol('obs.tracing.error')
const kFailed = Symbol('obs.tracing.failed')
// Set on the raw request when the span was started before Fastify built the request (by the
// child logger factory, so that the request's first log line already carries the trace id).
const kEarlySpan = Symbol('obs.tracing.earlySpan')
// Set on the RPC metadata of HTTP instrumentation once a request has taken its span, so that
// a request served inside another one (inject from a handler) never takes the outer span.
const kClaimed = Symbol('obs.tracing.claimed')

type TracedRequest = FastifyRequest & {
  [kSpan]: Span | null
  [kContext]: Context | null
  [kOwned]: boolean
  [kError]: unknown
  [kFailed]: boolean
}
type EarlyRequest = IncomingMessage & { [kEarlySpan]?: StartedSpan }
type ClaimableMetadata = RPCMetadata & { [kClaimed]?: true }

const SERVER: SpanOptions = Object.freeze({ kind: SpanKind.SERVER })
const ABORTED = 'the client closed the connection before the response was sent'

/** `startTime` (ms since the epoch) backdates a span started late; by default it starts now. */
export type SpanStarter = (headers: IncomingHttpHeaders, name: string, named: boolean, startTime?: number) => StartedSpan | undefined

export interface ServerSpanOptions {
  readonly startServerSpan: SpanStarter
  readonly exclude: readonly ExcludeRule[]
  /** Response header that carries the trace id, or false. */
  readonly traceIdHeader: string | false
  /** Give `request.log` the trace fields here when no child logger factory did. */
  readonly correlateLogs: boolean
}

/**
 * Starts the server span of a request, or takes the one HTTP instrumentation started for it.
 * Returns undefined when tracing is suppressed for the request (HTTP instrumentation was told
 * to ignore it). Only headers are read, so this can run before Fastify builds the request.
 */
export function createSpanStarter (tracer: Tracer): SpanStarter {
  return function startServerSpan (headers, name, named, startTime) {
    const active = context.active()
    if (isTracingSuppressed(active)) return undefined
    const claimed = claimInstrumentationSpan(active)
    if (claimed !== undefined) return new StartedSpan(claimed, active, false, false)
    // The parent comes from the headers only, never from whatever context the server happens to
    // run in: a malformed traceparent is ignored by the propagator and starts a new trace.
    const parent = propagation.extract(ROOT_CONTEXT, headers)
    const span = tracer.startSpan(name, startTime === undefined ? SERVER : { kind: SpanKind.SERVER, startTime }, parent)
    return new StartedSpan(span, trace.setSpan(parent, span), true, named)
  }
}

/** The span a child logger factory started for this raw request, if any. */
export function earlySpan (raw: IncomingMessage): StartedSpan | undefined {
  return (raw as EarlyRequest)[kEarlySpan]
}

export function setEarlySpan (raw: IncomingMessage, started: StartedSpan): void {
  (raw as EarlyRequest)[kEarlySpan] = started
}

/** The server span of a request, when it has one. */
export function requestSpan (request: FastifyRequest): Span | undefined {
  return (request as TracedRequest)[kSpan] ?? undefined
}

/**
 * Claims the span HTTP instrumentation started for the request in `active`, if nobody has: a
 * request served inside another one (an inject from a handler) never takes the outer span.
 */
function claimInstrumentationSpan (active: Context): Span | undefined {
  const rpc = getRPCMetadata(active) as ClaimableMetadata | undefined
  if (rpc === undefined || rpc.type !== RPCType.HTTP || rpc[kClaimed] === true) return undefined
  rpc[kClaimed] = true
  return rpc.span
}

/** Claims HTTP instrumentation's span of an excluded request and marks it for the SDK to leave out. */
function discardInstrumentationSpan (active: Context): void {
  const span = claimInstrumentationSpan(active) as Discardable | undefined
  if (span !== undefined) span[kDiscarded] = true
}

/** Adds the hooks that give every traced request exactly one server span. */
export function installServerSpans (app: FastifyInstance, options: ServerSpanOptions): void {
  const { startServerSpan, traceIdHeader, correlateLogs } = options
  const routes = createRouteResolver(options.exclude)
  const resolveRoute = (request: FastifyRequest): RouteTracing | null => routes.get(request.routeOptions.config, request.method)
  // Routes declared from now on find their state at once; earlier ones on first use.
  app.addHook('onRoute', function prepareRouteTracing (route) { routes.prepare(route) })

  app.decorateRequest(kSpan, null)
  app.decorateRequest(kContext, null)
  app.decorateRequest(kOwned, false)
  app.decorateRequest(kError, undefined)
  app.decorateRequest(kFailed, false)

  function describe (started: StartedSpan, request: FastifyRequest, route: RouteTracing): void {
    const span = started.span
    if (!span.isRecording()) return
    if (!started.named) span.updateName(route.name)
    if (started.owned) {
      span.setAttributes(requestAttributes(request, route))
      return
    }
    // HTTP instrumentation's span: it names the span and sets `http.route` from its RPC metadata
    // when the response ends; set both now too, for anything that reads the span before.
    if (route.route === undefined) return
    span.setAttribute(ATTR_HTTP_ROUTE, route.route)
    const rpc = getRPCMetadata(started.context)
    if (rpc !== undefined) rpc.route = route.route
  }

  /** Makes `started` the request's span: named, described, and announced in the header. */
  function take (request: FastifyRequest, reply: FastifyReply, route: RouteTracing, started: StartedSpan): void {
    const traced = request as TracedRequest
    traced[kSpan] = started.span
    traced[kContext] = started.context
    traced[kOwned] = started.owned
    describe(started, request, route)
    if (traceIdHeader !== false && !reply.sent) {
      const traceId = started.span.spanContext().traceId
      if (traceId !== INVALID_TRACEID) reply.header(traceIdHeader, traceId)
    }
  }

  /**
   * An excluded request is not traced at all. HTTP instrumentation's span, when it started one,
   * is claimed (so that no request served inside this one takes it) and marked for the SDK to
   * leave out; everything the request does from here on runs with tracing suppressed, as for a
   * path HTTP instrumentation ignores, so that no span is left without its parent.
   */
  function leaveOut (request: TracedRequest, done: HookHandlerDoneFunction): void {
    const active = context.active()
    if (isTracingSuppressed(active)) return done()
    discardInstrumentationSpan(active)
    const suppressed = suppressTracing(active)
    request[kContext] = suppressed
    context.with(suppressed, done)
  }

  app.addHook('onRequest', function startRequestSpan (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    const traced = request as TracedRequest
    // Taken (and ended) already when the client went away while an earlier hook was pending.
    if (traced[kSpan] !== null) return done()
    const route = resolveRoute(request)
    if (route === null) return leaveOut(traced, done)
    let started = earlySpan(request.raw)
    if (started === undefined) {
      started = startServerSpan(request.headers, route.name, true)
      if (started === undefined) return done()
      // Routes declared before the plugin (and Fastify's default 404) built their logger
      // before any hook ran: bind the fields now.
      if (correlateLogs) request.log = reply.log = withTraceFields(request.log, started.span)
    }
    take(request, reply, route, started)
    // Everything that runs from here on (hooks, handler, outbound calls) sees the span.
    if (context.active() === started.context) return done()
    context.with(started.context, done)
  })

  // Body parsing continues from the socket's own async context, which is not the request's:
  // enter it again just before the handler.
  app.addHook('preHandler', function enterRequestContext (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    const ctx = (request as TracedRequest)[kContext]
    if (ctx === null || context.active() === ctx) return done()
    context.with(ctx, done)
  })

  // onError runs before the error handler has chosen the status code: keep the error, and
  // decide once the status is final whether it failed the request (5xx) or not (4xx).
  app.addHook('onError', function keepRequestError (request: FastifyRequest, _reply: FastifyReply, error: unknown, done: HookHandlerDoneFunction) {
    (request as TracedRequest)[kError] = error
    done()
  })

  /**
   * The span of a request whose onRequest hook did not run for us: an onRequest hook registered
   * before the plugin answered first (a 401 from an auth plugin). It is started now, backdated to
   * when the request arrived, or taken from the child logger factory that started it.
   */
  function lateSpan (request: FastifyRequest, reply: FastifyReply): Span | null {
    const route = resolveRoute(request)
    if (route === null) {
      discardInstrumentationSpan(context.active())
      return null
    }
    const started = earlySpan(request.raw) ?? startServerSpan(request.headers, route.name, true, Date.now() - reply.elapsedTime)
    if (started === undefined) return null
    take(request, reply, route, started)
    return started.span
  }

  /** A 5xx: status ERROR, `error.type`, and the exception when one was thrown; once per request. */
  function fail (request: TracedRequest, span: Span, status: number): void {
    if (request[kFailed] || !span.isRecording()) return
    request[kFailed] = true
    const failure = recordFailure(span, request[kError], String(status))
    // HTTP instrumentation sets the status and `error.type` again as it ends its span, without
    // the description and with the status code: the SDK puts these back (see sdk.ts).
    if (!request[kOwned]) (request.raw as CarriesFailure)[kFailure] = failure
  }

  // The status code is final here and nothing is written yet, while HTTP instrumentation ends
  // its span when the response closes, possibly before onResponse hooks run: record failures now.
  app.addHook('onSend', function recordRequestFailure (request, reply, payload, done) {
    const traced = request as TracedRequest
    const span = traced[kSpan] ?? lateSpan(request, reply)
    if (span !== null && reply.statusCode >= 500) fail(traced, span, reply.statusCode)
    done(null, payload)
  })

  // Ends the spans the plugin started. A reply that skipped onSend (hijacked, or written to
  // reply.raw) is described here.
  app.addHook('onResponse', function endRequestSpan (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    const traced = request as TracedRequest
    const span = traced[kSpan] ?? lateSpan(request, reply)
    if (span === null) return done()
    const status = reply.statusCode
    if (status >= 500) fail(traced, span, status)
    if (traced[kOwned]) {
      traced[kOwned] = false
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
      span.end()
    }
    done()
  })

  // A client that goes away before the response means no onResponse: end the span here. When
  // it left while an earlier onRequest hook was pending, the span is still the one the child
  // logger factory started.
  app.addHook('onRequestAbort', function endAbortedRequestSpan (request: FastifyRequest, done: HookHandlerDoneFunction) {
    const traced = request as TracedRequest
    if (traced[kSpan] === null) {
      const started = earlySpan(request.raw)
      if (started === undefined) return done()
      traced[kSpan] = started.span
      traced[kContext] = started.context
      traced[kOwned] = started.owned
    }
    const span = traced[kSpan]
    if (span !== null && traced[kOwned]) {
      traced[kOwned] = false
      span.setStatus({ code: SpanStatusCode.ERROR, message: ABORTED })
      span.setAttribute(ATTR_ERROR_TYPE, 'aborted')
      span.end()
    }
    done()
  })
}
