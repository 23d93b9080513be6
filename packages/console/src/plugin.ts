import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { installGuard } from './auth/guard.js'
import { AlreadyRegisteredError } from './errors.js'
import { LiveFeed } from './live/live-feed.js'
import { OverviewSampler, type SamplerSources } from './live/overview-sampler.js'
import { type ConsolePluginOptions, resolveOptions } from './options.js'
import { registerApi } from './routes/api.js'
import { loadAssets } from './routes/assets.js'
import { registerPages } from './routes/pages.js'
import { registerStream } from './routes/stream.js'
import { RequestRates } from './sources/request-rates.js'
import { Sources } from './sources/sources.js'
import type { LogStore } from './stores/log-store.js'
import { SpanStore } from './stores/span-store.js'

/** What the plugin adds to the Fastify instance as `app.obsConsole`. */
export interface ObsConsole {
  /** Where the console is served, e.g. `/obs/`. */
  readonly prefix: string
  /** False when it is off (by default under `NODE_ENV=production`): then it serves nothing. */
  readonly enabled: boolean
  /** The log store of the logs view, if one was given. */
  readonly logs: LogStore | undefined
  /** Pages watching the overview now: while there are none, the console samples nothing. */
  readonly watchers: number
}

declare module 'fastify' {
  interface FastifyInstance {
    obsConsole: ObsConsole
  }
}

const obsConsole: FastifyPluginAsync<ConsolePluginOptions> = async function obsConsole (app: FastifyInstance, options: ConsolePluginOptions) {
  // Before anything is decorated: a second registration would otherwise fail on Fastify's name for the decorator.
  if (app.hasDecorator('obsConsole')) throw new AlreadyRegisteredError()
  const o = resolveOptions(options ?? {})
  if (!o.enabled) {
    app.decorate('obsConsole', { prefix: o.prefix, enabled: false, logs: o.logs, watchers: 0 } satisfies ObsConsole)
    app.log.debug('@obs/console: off (NODE_ENV is production); register it with enabled: true to serve it')
    return
  }

  const spans = new SpanStore(o.maxSpans)
  const sources = new Sources(spans, o.logs)
  const assets = loadAssets()
  const samplerSources: SamplerSources = { rates: undefined, health: undefined }
  const sampler = new OverviewSampler(samplerSources, Math.ceil((o.historySeconds * 1000) / o.intervalMs), Date.now)
  const missing: Record<string, string> = {}
  const feed = new LiveFeed(sampler, { intervalMs: o.intervalMs, healthIntervalMs: o.healthIntervalMs, historySeconds: o.historySeconds, missing }, app.log)
  app.decorate('obsConsole', {
    prefix: o.prefix,
    enabled: true,
    logs: o.logs,
    get watchers () { return feed.size }
  } satisfies ObsConsole)

  // The other @obs plugins may be registered after this one: look for them once all are in.
  app.addHook('onReady', async () => {
    await sources.resolve(app)
    const { metrics, quantile } = sources
    if (metrics !== undefined && quantile !== undefined) {
      samplerSources.rates = new RequestRates(metrics.registry, `${metrics.prefix}http_request_duration_seconds`, quantile)
    }
    samplerSources.health = sources.health
    // What the overview cannot show; the other views ask when they are opened.
    for (const part of ['requests', 'health'] as const) {
      const why = sources.missing(part)
      if (why !== undefined) missing[part] = why
    }
  })
  // Open pages hold streams: end them before the server waits for its connections.
  app.addHook('preClose', async () => { feed.close() })
  app.addHook('onClose', async () => {
    feed.close()
    sources.close()
  })

  // Console routes stay out of the request metrics, the traces and the routine request logs.
  const routeOptions = { config: { metrics: false, tracing: false }, logLevel: 'warn' }
  await app.register(async function consoleRoutes (scope) {
    const auth = o.auth
    if (auth !== undefined) {
      installGuard(scope, { prefix: o.prefix, auth, routeOptions, isPublic: (path) => path === `${o.prefix}assets/console.css` })
    }
    registerPages(scope, { prefix: o.prefix, alertsPath: o.alertsPath }, assets, routeOptions)
    registerStream(scope, `${o.prefix}api/stream`, feed, routeOptions)
    registerApi(scope, { prefix: o.prefix, alertsPath: o.alertsPath, sources, spans, logs: o.logs, routeOptions })
  })
}

export default fp(obsConsole, { fastify: '5.x', name: '@obs/console' })
export { obsConsole }
