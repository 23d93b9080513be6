import { type ExcludeRule, isExcludedRoute } from '@obs/core'
import type { FastifyBaseLogger, FastifyInstance, RouteOptions } from 'fastify'
import { markBound, traceLogFields } from '../logging/log-fields.js'
import { describeRoute } from './route-state.js'
import type { SpanStarter } from './span-starter.js'

/** Whether the app logs at all: Fastify's null logger (and a silent one) get no correlation. */
export function isLoggerEnabled (logger: FastifyBaseLogger): boolean {
  return logger.level !== 'silent' && logger.child({}) !== logger
}

/**
 * Gives every traced route declared from now on a child logger factory that starts the server
 * span before Fastify builds the request, and puts its trace fields in the bindings of the one
 * child logger Fastify creates per request anyway: the first line ("incoming request") already
 * carries them, at no extra logger. The onRequest hook then takes the span over. Untraced routes
 * keep their factory, and their lines carry no trace id that leads nowhere.
 *
 * Once the app is closing, Fastify answers new requests with a 503 right after building their
 * logger, without running any hook: no hook would take over a span started then, and it would
 * never end. So the factory stops starting spans when closing begins.
 */
export function installLogCorrelation (app: FastifyInstance, startServerSpan: SpanStarter, exclude: readonly ExcludeRule[]): void {
  let closing = false
  app.addHook('preClose', function stopEarlySpans (done) {
    closing = true
    done()
  })
  app.addHook('onRoute', function correlateRouteLogs (this: FastifyInstance, route: RouteOptions) {
    if (isExcludedRoute(route.url, route.config?.tracing === false, exclude)) return
    const previous = route.childLoggerFactory ?? this.childLoggerFactory
    // A route with one method knows its span name now; one with several names it per request.
    const name = typeof route.method === 'string' ? describeRoute(route.method, route.url).name : undefined
    route.childLoggerFactory = function traceChildLogger (logger, bindings, options, raw) {
      if (closing) return previous.call(this, logger, bindings, options, raw)
      const started = startServerSpan(raw.headers, name ?? raw.method ?? 'GET', name !== undefined)
      if (started === undefined) return previous.call(this, logger, bindings, options, raw)
      started.attachTo(raw)
      const fields = traceLogFields(started.span)
      if (fields === undefined) return previous.call(this, logger, bindings, options, raw)
      const child = previous.call(this, logger, Object.assign(bindings, fields), options, raw)
      markBound(child)
      return child
    }
  })
}
