import { type ExcludeRule, isExcludedRoute } from './route-exclusion.js'

/** What Fastify puts in a route's config besides the user's keys (`request.routeOptions.config`). */
export interface RouteConfig {
  readonly url?: string
  readonly method?: string | string[]
}

/** What an onRoute hook sees of a route. */
export interface RouteDeclaration {
  url: string
  method: string | string[]
  config?: unknown
}

export interface RouteCacheOptions<T> {
  /** Names the cache's symbols, for debuggers: `obs.metrics`. */
  readonly name: string
  /** The route config key whose `false` opts a route out: `metrics`, `tracing`. */
  readonly optOut: string
  readonly exclude: readonly ExcludeRule[]
  /** The route template of requests that matched no route, as `exclude` sees it and `create` gets it. */
  readonly unmatched?: string
  /** The state of one method on one route; `url` is `unmatched` for requests that matched no route. */
  readonly create: (method: string, url: string | undefined) => T
}

export interface RouteCache<T> {
  /** The state of `method` on the route whose config this is; null when the route is left out. */
  get (config: object, method: string): T | null
  /** From an onRoute hook: gives a one-method route its state now, so its first request finds it too. */
  prepare (route: RouteDeclaration): void
}

/**
 * Per-route state kept on the route's config object, which Fastify shares by every request of
 * the route: after a route's first request, finding its state is two property reads. Whether a
 * route is left out is decided once per route. Each cache has its own symbols, so two plugins
 * (or two instances of one) never read each other's state.
 */
export function createRouteCache<T> (options: RouteCacheOptions<T>): RouteCache<T> {
  const { optOut, exclude, create, unmatched } = options
  // The state of the route's one method (null when left out), and which method that is: a HEAD
  // route Fastify derives from a GET route starts with a copy of the GET route's config.
  const kOne = Symbol(`${options.name}.route`)
  const kOneMethod = Symbol(`${options.name}.routeMethod`)
  // Routes with several methods, and the shared config of requests that matched no route: one
  // lookup by method (bounded: Fastify only routes the methods it knows).
  const kByMethod = Symbol(`${options.name}.byMethod`)
  type Cached = Record<symbol, unknown> & RouteConfig & Record<string, unknown>

  function slow (config: Cached, method: string): T | null {
    let byMethod = config[kByMethod] as Map<string, T> | undefined
    if (byMethod === undefined) {
      if (isExcludedRoute(config.url ?? unmatched, config[optOut] === false, exclude)) {
        config[kOne] = null
        return null
      }
      byMethod = new Map()
      config[kByMethod] = byMethod
    }
    let state = byMethod.get(method)
    if (state === undefined) {
      state = create(method, config.url ?? unmatched)
      byMethod.set(method, state)
    }
    if (config[kOne] === undefined && config.url !== undefined && config.method === method) {
      config[kOne] = state
      config[kOneMethod] = method
    }
    return state
  }

  function get (config: object, method: string): T | null {
    const cached = config as Cached
    const one = cached[kOne] as T | null | undefined
    if (one === null) return null
    if (one !== undefined && cached[kOneMethod] === method) return one
    return slow(cached, method)
  }

  function prepare (route: RouteDeclaration): void {
    if (typeof route.method !== 'string') return
    const own = route.config as Record<string, unknown> | undefined
    const state = get({ ...own, url: route.url, method: route.method }, route.method)
    route.config = { ...own, [kOne]: state, [kOneMethod]: route.method }
  }

  return { get, prepare }
}
