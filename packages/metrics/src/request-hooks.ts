import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import { errorType } from './error-type.js'
import type { ExemplarLabels } from './fixed-histogram.js'
import { type MethodState, type SeriesTable, UNMATCHED_ROUTE } from './request-series.js'

/** Returns exemplar labels (a trace id) for a request, or undefined when it has none. */
export type ExemplarSource = (request: FastifyRequest) => ExemplarLabels | undefined

export interface RequestHookOptions {
  readonly inFlight: boolean
  readonly sizes: boolean
  /** Route templates (or patterns) that are not measured. */
  readonly exclude: ReadonlyArray<string | RegExp>
  /** Read on every request, so a tracing plugin can set it after registration. */
  readonly exemplars: { source: ExemplarSource | undefined }
}

// Per-route state is kept on the route's config object, which Fastify shares by every request
// of that route: after the first request, finding it is one property read.
const kMethodState = Symbol('obs.metrics.methodState')
const kByMethod = Symbol('obs.metrics.byMethod')
const kRequestState = Symbol('obs.metrics.requestState')
const kErrorType = Symbol('obs.metrics.errorType')

type RouteConfig = Record<PropertyKey, unknown> & { url?: string, method?: string | string[], metrics?: boolean }
type MeasuredRequest = FastifyRequest & { [kRequestState]: MethodState | null, [kErrorType]: string | null }

/** Adds the hooks that feed `table`: only the ones the enabled features need. */
export function installRequestHooks (app: FastifyInstance, table: SeriesTable, options: RequestHookOptions): void {
  const { exclude, exemplars, sizes } = options

  function isExcluded (route: string, config: RouteConfig): boolean {
    if (config.metrics === false) return true
    for (const rule of exclude) {
      if (typeof rule === 'string' ? rule === route : rule.test(route)) return true
    }
    return false
  }

  function resolve (config: RouteConfig, method: string): MethodState | null {
    const cached = config[kMethodState] as MethodState | null | undefined
    if (cached === null) return null
    if (cached !== undefined && cached.method === method) return cached
    // Unmatched requests and routes with several methods: decided once per config, then one
    // lookup by method (bounded: Fastify only routes the methods it knows).
    let byMethod = config[kByMethod] as Map<string, MethodState> | undefined
    if (byMethod === undefined) {
      if (isExcluded(config.url ?? UNMATCHED_ROUTE, config)) {
        config[kMethodState] = null
        return null
      }
      byMethod = new Map()
      config[kByMethod] = byMethod
    }
    let state = byMethod.get(method)
    if (state === undefined) {
      state = table.methodState(config.url ?? UNMATCHED_ROUTE, method)
      byMethod.set(method, state)
    }
    // A route declared with one method always sees that method: one property read from now on.
    if (cached === undefined && config.url !== undefined && config.method === method) config[kMethodState] = state
    return state
  }

  // Prepares the state of routes registered after the plugin; earlier ones resolve on first use.
  app.addHook('onRoute', (route: RouteOptions) => {
    if (typeof route.method !== 'string') return
    const config = { ...route.config, url: route.url, method: route.method } as RouteConfig
    const state = resolve(config, route.method)
    route.config = { ...route.config, [kMethodState]: state } as RouteOptions['config']
  })

  app.decorateRequest(kRequestState, null)
  app.decorateRequest(kErrorType, null)

  if (options.inFlight) {
    app.addHook('onRequest', function measureStart (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
      const state = resolve(request.routeOptions.config as RouteConfig, request.method)
      if (state !== null) {
        state.inFlight++
        ;(request as MeasuredRequest)[kRequestState] = state
      }
      done()
    })
    app.addHook('onRequestAbort', function measureAbort (request: FastifyRequest, done: HookHandlerDoneFunction) {
      const state = (request as MeasuredRequest)[kRequestState]
      if (state !== null) {
        state.inFlight--
        state.aborted++
        ;(request as MeasuredRequest)[kRequestState] = null
      }
      done()
    })
  }

  app.addHook('onError', function measureError (request: FastifyRequest, _reply: FastifyReply, error: unknown, done: HookHandlerDoneFunction) {
    (request as MeasuredRequest)[kErrorType] = errorType(error)
    done()
  })

  app.addHook('onResponse', function measureEnd (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    let state = (request as MeasuredRequest)[kRequestState]
    if (state !== null) {
      state.inFlight--
    } else {
      // No onRequest ran for us: in-flight is off, the route is excluded, or an earlier
      // onRequest hook answered first (a 401 from an auth hook still counts).
      state = resolve(request.routeOptions.config as RouteConfig, request.method)
      if (state === null) return done()
    }
    const status = reply.statusCode
    const series = state.series(status)
    const seconds = reply.elapsedTime / 1000
    const bucket = series.duration.observe(seconds)
    const source = exemplars.source
    if (source !== undefined) {
      const labels = source(request)
      if (labels !== undefined) series.duration.setExemplar(bucket, seconds, labels)
    }
    if (sizes) {
      const requestLength = Number(request.headers['content-length'])
      if (requestLength >= 0) series.requestSize!.observe(requestLength)
      const responseLength = Number(reply.getHeader('content-length'))
      if (responseLength >= 0) series.responseSize!.observe(responseLength)
    }
    const failure = (request as MeasuredRequest)[kErrorType]
    if (failure !== null) state.errors(failure).count++
    else if (status >= 500) state.errors(String(status)).count++
    done()
  })
}
