import { createRouteCache, errorType, type ExcludeRule } from '@obs/core'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import type { ExemplarLabels } from '../exposition/text-format.js'
import { type MethodState, type SeriesTable, UNMATCHED_ROUTE } from './series.js'

/** Returns exemplar labels (a trace id) for a request, or undefined when it has none. */
export type ExemplarSource = (request: FastifyRequest) => ExemplarLabels | undefined

export interface RequestHookOptions {
  readonly inFlight: boolean
  readonly sizes: boolean
  /** Route templates (or patterns) that are not measured. */
  readonly exclude: readonly ExcludeRule[]
  /** Read on every request, so a tracing plugin can set it after registration. */
  readonly exemplars: { source: ExemplarSource | undefined }
}

const kRequestState = Symbol('obs.metrics.requestState')
const kErrorType = Symbol('obs.metrics.errorType')

type MeasuredRequest = FastifyRequest & { [kRequestState]: MethodState | null, [kErrorType]: string | null }

/** Adds the hooks that feed `table`: only the ones the enabled features need. */
export function installRequestHooks (app: FastifyInstance, table: SeriesTable, options: RequestHookOptions): void {
  const { exclude, exemplars, sizes } = options

  // Each route's state is found from its config, shared by all its requests (see @obs/core).
  const routes = createRouteCache({
    name: 'obs.metrics',
    optOut: 'metrics',
    exclude,
    unmatched: UNMATCHED_ROUTE,
    create: (method, url) => table.methodState(url!, method)
  })
  const resolve = (request: FastifyRequest): MethodState | null => routes.get(request.routeOptions.config, request.method)

  // Prepares the state of routes registered after the plugin; earlier ones resolve on first use.
  app.addHook('onRoute', (route: RouteOptions) => { routes.prepare(route) })

  app.decorateRequest(kRequestState, null)
  app.decorateRequest(kErrorType, null)

  if (options.inFlight) {
    app.addHook('onRequest', function measureStart (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
      const state = resolve(request)
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
      state = resolve(request)
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
