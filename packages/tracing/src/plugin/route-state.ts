import { createRouteCache, type ExcludeRule, type RouteCache } from '@obs/core'

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

/** Finds the tracing state of a request's route, or null when the route is not traced. */
export function createRouteResolver (exclude: readonly ExcludeRule[]): RouteCache<RouteTracing> {
  return createRouteCache({ name: 'obs.tracing', optOut: 'tracing', exclude, create: describeRoute })
}
