import type { FastifyRequest } from 'fastify'

/** What the server span of one method on one route looks like; computed once, then reused. */
export interface RouteTracing {
  /** The span name: `GET /users/:id`, or `GET` for a request that matched no route. */
  readonly name: string
  /** `http.request.method`: the method, or `_OTHER` for one HTTP semantic conventions do not know. */
  readonly method: string
  /** `http.request.method_original`, set only when `method` is `_OTHER`. */
  readonly originalMethod: string | undefined
  /** `http.route`: the route template, undefined for unmatched requests. */
  readonly route: string | undefined
}

// The methods the HTTP semantic conventions name; any other is reported as `_OTHER`.
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY'])

// Per-route state lives on the route's config object, which Fastify shares by every request of
// that route: after the first request, finding it is one property read.
const kRouteTracing = Symbol('obs.tracing.route')

type RouteConfig = Record<PropertyKey, unknown> & { url?: string, method?: string | string[], tracing?: boolean }

export function describeRoute (method: string, route: string | undefined): RouteTracing {
  const known = KNOWN_METHODS.has(method)
  // Semantic conventions: `{method} {http.route}`, `HTTP` standing in for an unknown method.
  const verb = known ? method : 'HTTP'
  return {
    name: route === undefined ? verb : `${verb} ${route}`,
    method: known ? method : '_OTHER',
    originalMethod: known ? undefined : method,
    route
  }
}

/** Whether a route gets no span: its config says `tracing: false`, or its template matches `exclude`. */
export function isExcludedRoute (url: string | undefined, config: { tracing?: boolean } | undefined, exclude: ReadonlyArray<string | RegExp>): boolean {
  if (config?.tracing === false) return true
  if (url === undefined) return false
  for (const rule of exclude) {
    if (typeof rule === 'string' ? rule === url : rule.test(url)) return true
  }
  return false
}

/** Finds the tracing state of a request's route, or null when the route is not traced. */
export function createRouteResolver (exclude: ReadonlyArray<string | RegExp>): (request: FastifyRequest) => RouteTracing | null {
  return function resolveRoute (request: FastifyRequest): RouteTracing | null {
    const config = request.routeOptions.config as RouteConfig
    let byMethod = config[kRouteTracing] as Map<string, RouteTracing> | null | undefined
    if (byMethod === null) return null
    if (byMethod === undefined) {
      if (isExcludedRoute(config.url, config, exclude)) {
        config[kRouteTracing] = null
        return null
      }
      byMethod = new Map()
      config[kRouteTracing] = byMethod
    }
    const method = request.method
    let state = byMethod.get(method)
    if (state === undefined) {
      // Bounded: a route only ever sees the methods it was declared with (unmatched requests
      // share one config, and Fastify answers only the methods it knows).
      state = describeRoute(method, config.url)
      byMethod.set(method, state)
    }
    return state
  }
}
