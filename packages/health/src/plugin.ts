import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { CheckRegistry } from './checks/check-registry.js'
import { eventLoopStallCheck } from './checks/event-loop-check.js'
import type { CheckDefinition, Probe } from './checks/registered-check.js'
import { AlreadyRegisteredError } from './errors.js'
import { exportCheckMetrics } from './health-metrics.js'
import { type HealthPluginOptions, resolveOptions } from './options.js'
import { PROBE_PRESSURE_CONFIG, setupPressure } from './pressure.js'
import { Lifecycle } from './lifecycle.js'
import { wantsHealthJson } from './probes/body.js'
import { ProbeEvaluator } from './probes/evaluator.js'
import type { ProbeReport } from './probes/probe-report.js'
import { RenderedBodies } from './probes/rendered-bodies.js'
import { GracefulShutdown } from './shutdown.js'

/** What the plugin adds to the Fastify instance as `app.health`. */
export interface ObsHealth {
  /** Registers a check; a bad definition or a duplicate name is a coded error. */
  addCheck (definition: CheckDefinition): void
  /**
   * Runs a probe as its route would, without the HTTP part; with `check`, that one check as its
   * component route does (`OBS_HEALTH_UNKNOWN_CHECK` when the probe has no such check). Probes
   * that ask while one runs share its report: treat it as read-only.
   */
  probe (probe: Probe, check?: string): Promise<ProbeReport>
  /** Readiness fails at once, other routes serve for the drain delay, then the app closes. */
  shutdown (): Promise<void>
  /** True from the start of a shutdown (or of `app.close()`). */
  readonly draining: boolean
  /** True once the startup probe has passed. */
  readonly started: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    health: ObsHealth
  }
}

const PROBES: readonly Probe[] = ['live', 'ready', 'startup']

const obsHealth: FastifyPluginAsync<HealthPluginOptions> = async function obsHealth (app: FastifyInstance, options: HealthPluginOptions) {
  // Before anything is registered: a second registration would otherwise fail on a route or decorator name.
  if (app.hasDecorator('health')) throw new AlreadyRegisteredError()
  const o = resolveOptions(options)
  const checks = new CheckRegistry(o.deadlineMs, o.checkTimeoutMs, app.log)
  const lifecycle = new Lifecycle()

  const eventLoop = o.maxEventLoopStallMs === false ? undefined : eventLoopStallCheck(o.maxEventLoopStallMs)
  if (eventLoop !== undefined) checks.add({ name: 'event-loop', check: eventLoop.check, probes: ['live'], critical: true })
  for (const definition of o.checks) checks.add(definition)

  const pressure = o.pressure === false ? () => undefined : await setupPressure(app, o.pressure)
  const probes = new ProbeEvaluator(checks, lifecycle, o.deadlineMs, pressure)
  const shutdown = new GracefulShutdown(app, lifecycle, o.shutdown)

  app.decorate('health', {
    addCheck: (definition: CheckDefinition) => { checks.add(definition) },
    probe: (probe: Probe, check?: string) => check === undefined ? probes.evaluate(probe) : probes.component(probe, check),
    shutdown: () => shutdown.shutdown(),
    get draining () { return lifecycle.draining },
    get started () { return lifecycle.started }
  } satisfies ObsHealth)

  let startupTimer: NodeJS.Timeout | undefined
  if (o.startupTimeoutMs !== false) {
    const limit = o.startupTimeoutMs
    // At the deadline startup gets one last evaluation: an app that is ready but was not probed
    // yet has started; only one that is not ready, or whose startup checks fail, has failed.
    startupTimer = setTimeout(() => {
      probes.tryStartup().then((started) => {
        if (started) return
        lifecycle.failStartup(`startup did not succeed within ${limit} ms`)
        app.log.error({ startupTimeoutMs: limit }, `@obs/health: ${lifecycle.startupFailed}`)
      }, /* c8 ignore next */ () => {})
    }, limit).unref()
  }
  app.addHook('onReady', async () => {
    lifecycle.markReady()
    checks.start()
    exportCheckMetrics(app, checks)
    shutdown.installSignalHandlers()
  })
  app.addHook('preClose', async () => { lifecycle.startDraining() })
  app.addHook('onClose', async () => {
    clearTimeout(startupTimer)
    checks.stop()
    eventLoop?.stop()
    shutdown.removeSignalHandlers()
  })

  const started = Date.now()
  const bodies = new RenderedBodies(() => ({ version: o.version, uptimeSeconds: Math.round((Date.now() - started) / 100) / 10 }))
  const showDetails = (request: FastifyRequest): boolean => {
    const { exposeDetails } = o
    if (typeof exposeDetails !== 'function') return exposeDetails === 'always'
    try {
      return exposeDetails(request) === true
    } catch (error) {
      request.log.warn({ err: error }, '@obs/health: exposeDetails threw; details hidden')
      return false
    }
  }
  const answer = (request: FastifyRequest, reply: FastifyReply, report: ProbeReport): Buffer => {
    const ietf = wantsHealthJson(request.headers.accept)
    reply
      .code(report.status === 'unhealthy' ? 503 : 200)
      .header('cache-control', 'no-store')
      .type(ietf ? 'application/health+json; charset=utf-8' : 'application/json; charset=utf-8')
    return bodies.get(report, ietf, showDetails(request))
  }
  // Probes stay out of the request metrics and traces (a deploy's 503s are not an outage), and
  // through when under-pressure sheds load.
  const config = { metrics: false, tracing: false, ...PROBE_PRESSURE_CONFIG } as Record<string, unknown>

  for (const probe of PROBES) {
    app.route({ method: 'GET', url: `${o.prefix}/${probe}`, config, handler: async (request, reply) => answer(request, reply, await probes.evaluate(probe)) })
    app.route<{ Params: { check: string } }>({
      method: 'GET',
      url: `${o.prefix}/${probe}/:check`,
      config,
      handler: async (request, reply) => answer(request, reply, await probes.component(probe, request.params.check))
    })
  }
  if (o.alias) {
    app.route({ method: 'GET', url: o.prefix, config, handler: async (request, reply) => answer(request, reply, await probes.evaluate('ready')) })
  }
}

export default fp(obsHealth, { fastify: '5.x', name: '@obs/health' })
export { obsHealth }
