import alerts from '@obs/alerts'
import health from '@obs/health'
import metrics from '@obs/metrics'
import tracing, { initTracing, runningTracingSdk } from '@obs/tracing'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { loadConsole } from './console-module.js'
import { resolveOptions, type SetupOptions, type SetupPart } from './options.js'

/** What the plugin adds to the Fastify instance as `app.obsSetup`. */
export interface ObsSetup {
  readonly serviceName: string
  readonly environment: string | undefined
  /** The parts registered, in the order they were. */
  readonly registered: readonly SetupPart[]
  /** The parts left out, and why: `off` (false in the options) or `not installed` (the console). */
  readonly skipped: Readonly<Partial<Record<SetupPart, 'off' | 'not installed'>>>
  /** True when this registration started the OpenTelemetry SDK; it then shuts it down on close. */
  readonly startedTracingSdk: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    obsSetup: ObsSetup
  }
}

/**
 * Everything at once, as seed 003's `setup_monitoring(app, service_name)`: @obs/metrics,
 * @obs/tracing (and the OpenTelemetry SDK, when none runs), @obs/health, @obs/alerts, and
 * @obs/console where it is installed, with the service name where each needs it and each
 * part's options passed through.
 */
const obsSetup: FastifyPluginAsync<SetupOptions> = async function obsSetup (app: FastifyInstance, options: SetupOptions) {
  const o = resolveOptions(options)
  const registered: SetupPart[] = []
  const skipped: Partial<Record<SetupPart, 'off' | 'not installed'>> = {}
  const service = { serviceName: o.serviceName, ...(o.environment === undefined ? {} : { environment: o.environment }) }

  // The SDK before the tracing plugin, which looks for it when it is registered. Its shutdown
  // hook is added first, so that it runs after the plugins' own (they close last in, first out).
  let startedTracingSdk = false
  if (o.tracing !== false && o.tracingSdk !== false) {
    if (runningTracingSdk() === undefined) {
      const sdk = initTracing({ ...service, ...o.tracingSdk })
      startedTracingSdk = true
      app.addHook('onClose', async () => { await sdk.shutdown() })
    } else if (Object.keys(o.tracingSdk).length > 0) {
      app.log.warn('@obs/setup: an OpenTelemetry SDK runs already; the tracingSdk options are not applied to it')
    }
  }

  if (o.metrics === false) skipped.metrics = 'off'
  else {
    const labels = { service: o.serviceName, ...(o.environment === undefined ? {} : { environment: o.environment }) }
    // The same service on pushed metrics as on spans and logs.
    const resource = { 'service.name': o.serviceName, ...(o.environment === undefined ? {} : { 'deployment.environment.name': o.environment }) }
    await app.register(metrics, { ...o.metrics, defaultLabels: { ...labels, ...o.metrics.defaultLabels }, resource: { ...resource, ...o.metrics.resource } })
    registered.push('metrics')
  }
  if (o.tracing === false) skipped.tracing = 'off'
  else {
    await app.register(tracing, o.tracing)
    registered.push('tracing')
  }
  if (o.health === false) skipped.health = 'off'
  else {
    await app.register(health, o.health)
    registered.push('health')
  }
  if (o.alerts === false) skipped.alerts = 'off'
  else {
    await app.register(alerts, o.alerts)
    registered.push('alerts')
  }
  if (o.console === false) skipped.console = 'off'
  else {
    const consolePlugin = await loadConsole()
    if (consolePlugin === undefined) {
      skipped.console = 'not installed'
      app.log[o.consoleAsked ? 'info' : 'debug']('@obs/setup: @obs/console is not installed; the other parts are registered without it')
    } else {
      // The console acknowledges alerts through @obs/alerts' routes: where they are, unless told.
      const alertsPath = o.alerts !== false && typeof o.alerts.path === 'string' ? { alertsPath: o.alerts.path } : {}
      await app.register(consolePlugin, { ...alertsPath, ...o.console })
      registered.push('console')
    }
  }

  app.decorate('obsSetup', {
    serviceName: o.serviceName,
    environment: o.environment,
    registered: Object.freeze(registered),
    skipped: Object.freeze(skipped),
    startedTracingSdk
  } satisfies ObsSetup)
}

export default fp(obsSetup, { fastify: '5.x', name: '@obs/setup' })
export { obsSetup }
