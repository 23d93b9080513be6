import type { FastifyInstance, FastifyPluginAsync, RouteHandlerMethod } from 'fastify'
import fp from 'fastify-plugin'
import type { Registry } from '@prometheus-io/client'
import { AgentMetrics } from './app/agent-metrics.js'
import { createAppMetrics, type AppMetrics } from './app/app-metrics.js'
import { authHook } from './auth.js'
import { OverflowCounter } from './app/cardinality.js'
import { registerDiskMetrics } from './app/disk-metrics.js'
import { overflowFamily } from './app/overflow-family.js'
import { AlreadyRegisteredError, DuplicateMetricError, InvalidOptionError } from './errors.js'
import { CONTENT_TYPE, type ExpositionFormat, negotiateFormat } from './exposition/negotiate.js'
import { type MetricsPluginOptions, resolveOptions } from './options.js'
import { renderRegistry } from './exposition/render-registry.js'
import { ResolutionReductions, resolutionReductionsFamily } from './native/resolution-reductions.js'
import { registerProcessMetrics } from './app/process-metrics.js'
import { requestFamilies } from './requests/families.js'
import { type ExemplarSource, installRequestHooks } from './requests/hooks.js'
import { SeriesTable } from './requests/series.js'
import { type MetricsSummary, RequestSummary } from './requests/summary.js'
import type { SelfRenderedFamily } from './exposition/self-rendered-family.js'
import { createTimed, type Timed } from './app/timed.js'
import { startPush } from './push/index.js'

export interface Exposition {
  contentType: string
  body: string
}

/** What a scrape gets: text for the text formats, bytes for protobuf. */
export interface Scrape {
  contentType: string
  body: string | Buffer
}

/** What the plugin adds to the Fastify instance as `app.metrics`. */
export interface ObsMetrics extends AppMetrics {
  /** The registry of this instance: every metric of the plugin and of the app is in it. */
  readonly registry: Registry
  /** The `prefix` option: every metric name of the plugin starts with it. */
  readonly prefix: string
  /** Agent/LLM metrics; throws OBS_METRICS_INVALID_OPTION when `agentMetrics` is false. */
  readonly agent: AgentMetrics
  /** Wraps a function so that its duration, outcome, errors and in-flight count are recorded. */
  readonly timed: Timed
  /** Rates, error ratios and duration quantiles per route, over the summary window. */
  requestSummary (): MetricsSummary
  /** The exposition in the text format the Accept header asks for (text 0.0.4 or OpenMetrics; never protobuf). */
  render (accept?: string | string[]): Promise<Exposition>
  /** What `/metrics` answers: protobuf, OpenMetrics or text, as the Accept header asks. For mounting it elsewhere. */
  scrape (accept?: string | string[]): Promise<Scrape>
  /** Supplies exemplar labels (a trace id) for the request duration histogram. */
  setExemplarSource (source: ExemplarSource | undefined): void
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ObsMetrics
  }
  interface FastifyContextConfig {
    /** `false` leaves the route out of the request metrics. */
    metrics?: boolean
  }
}

const obsMetrics: FastifyPluginAsync<MetricsPluginOptions> = async function obsMetrics (app: FastifyInstance, options: MetricsPluginOptions) {
  // Before anything is decorated: a second registration would otherwise fail on an internal name.
  if (app.hasDecorator('metrics')) throw new AlreadyRegisteredError()
  const o = resolveOptions(options)
  const { registry, prefix } = o
  const overflow = new OverflowCounter()
  const register = (family: SelfRenderedFamily): void => {
    if (registry.getSingleMetric(family.name) !== undefined) throw new DuplicateMetricError(family.name)
    registry.registerMetric(family as unknown as Parameters<Registry['registerMetric']>[0])
  }
  const reductions: ResolutionReductions = new ResolutionReductions(() => register(resolutionReductionsFamily(prefix, reductions)))
  const takenLabels = new Map(Object.keys(o.defaultLabels).map((name) => [name, 'it is a default label of every series']))
  const appMetrics = createAppMetrics({ registry, prefix, maxLabelSets: o.maxLabelSets, takenLabels, overflow, reductions })

  if (o.processMetrics) registerProcessMetrics(registry, prefix)
  if (o.diskPaths.length > 0) registerDiskMetrics(appMetrics, o.diskPaths)

  const table = new SeriesTable({
    durationBuckets: o.buckets,
    durationNative: o.nativeHistograms,
    sizeBuckets: o.sizes ? o.sizeBuckets : undefined,
    maxLabelSets: o.maxLabelSets
  })
  const exemplars: { source: ExemplarSource | undefined } = { source: undefined }
  if (o.requestMetrics) {
    for (const family of requestFamilies(table, { prefix, inFlight: o.inFlight })) register(family)
    overflow.track(`${prefix}http_requests_total`, () => table.overflow?.duration.count ?? 0)
    overflow.track(`${prefix}http_request_errors_total`, () => table.errorOverflow?.count ?? 0)
    if (o.nativeHistograms !== undefined) {
      reductions.track(`${prefix}http_request_duration_seconds`, () => {
        let total = 0
        for (const series of table.allSeries()) total += series.duration.native!.resolutionReductions
        return total
      })
    }
    installRequestHooks(app, table, { inFlight: o.inFlight, sizes: o.sizes, exclude: o.exclude, exemplars })
  }
  register(overflowFamily(prefix, overflow))

  const agent = o.agentMetrics ? new AgentMetrics(appMetrics, o.nativeHistograms ?? false) : undefined
  const timed = createTimed(appMetrics, (usage) => agent?.recordTokens(usage), app.log)

  const summary = new RequestSummary(table, o.summaryWindowSeconds)
  const ticker = setInterval(() => summary.tick(), (o.summaryWindowSeconds * 1000) / 6).unref()
  app.addHook('onClose', async () => clearInterval(ticker))

  const onCollectError = (metric: string, error: unknown): void => {
    app.log.warn({ err: error, metric }, '@obs/metrics: collecting a metric failed; it is left out of this scrape')
  }
  if (o.push !== undefined) startPush(app, o.push, { registry, prefix, defaultLabels: o.defaultLabels, onCollectError })
  /** The exposition in `format`, written in slices that hand the event loop back in between. */
  const renderBytes = async (format: ExpositionFormat): Promise<{ contentType: string, body: Buffer }> => {
    const chunks = await renderRegistry(registry, format, o.defaultLabels, onCollectError)
    return { contentType: CONTENT_TYPE[format], body: Buffer.concat(chunks) }
  }
  const render = async (accept?: string | string[]): Promise<Exposition> => {
    const { contentType, body } = await renderBytes(negotiateFormat(accept, { protobuf: false }))
    return { contentType, body: body.toString('utf8') }
  }
  const scrape = async (accept?: string | string[]): Promise<Scrape> => await renderBytes(negotiateFormat(accept))

  const api: ObsMetrics = {
    ...appMetrics,
    registry,
    prefix,
    get agent (): AgentMetrics {
      if (agent === undefined) throw new InvalidOptionError('agentMetrics', 'agent metrics are off; register with agentMetrics: true')
      return agent
    },
    timed,
    requestSummary: () => summary.summary(),
    render,
    scrape,
    setExemplarSource (source) {
      if (source !== undefined && typeof source !== 'function') throw new InvalidOptionError('exemplar source', 'expected a function or undefined')
      exemplars.source = source
    }
  }
  app.decorate('metrics', api)

  // Both routes are left out of the request metrics and share the auth hook.
  const onRequest = o.auth === undefined ? undefined : authHook(o.auth)
  const serve = (url: string, handler: RouteHandlerMethod): void => {
    app.route({ method: 'GET', url, config: { metrics: false }, ...(onRequest === undefined ? {} : { onRequest }), handler })
  }
  if (o.path !== false) {
    serve(o.path, async (request, reply) => {
      const { contentType, body } = await scrape(request.headers.accept)
      reply.header('cache-control', 'no-store').type(contentType)
      return body
    })
  }
  if (o.summaryPath !== false) {
    serve(o.summaryPath, async (_request, reply) => {
      reply.header('cache-control', 'no-store')
      return summary.summary()
    })
  }
}

export default fp(obsMetrics, { fastify: '5.x', name: '@obs/metrics' })
export { obsMetrics }
