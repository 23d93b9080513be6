import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { registerRoutes } from './api/routes.js'
import { systemClock } from './clock.js'
import { Channel } from './delivery/channel.js'
import { Dispatcher } from './delivery/dispatcher.js'
import { createNotifier, type NotifierConfig } from './delivery/notifiers/index.js'
import { resolveRouting } from './delivery/routing.js'
import type { DeliveryOptions } from './delivery/settings.js'
import { SpanSecrets } from './delivery/span-secrets.js'
import type { AlertView } from './engine/alert.js'
import { AlertEngine, type EvaluationReport } from './engine/engine.js'
import type { RaisedAlert } from './engine/raised.js'
import { AlreadyRegisteredError, DuplicateRuleError, InvalidOptionError } from './errors.js'
import { type ExportOptions, type ExportResult, exportRules } from './export/rule-file.js'
import { type AlertsPluginOptions, resolveNotifier, resolveOptions } from './options.js'
import { checkInterval, type NormalizedRule, normalizeRule, normalizeRules } from './rules/normalize.js'
import type { RuleInput } from './rules/types.js'
import { RegistrySnapshot } from './series/registry-snapshot.js'
import type { SourceStats } from './series/source-set.js'
import { createSelfMetrics, watchState } from './self-metrics.js'
import { StateFile } from './state/state-file.js'

/** What the plugin adds to the Fastify instance as `app.alerts`. */
export interface ObsAlerts {
  /** Evaluates every rule now (the interval does it on its own); resolves with what happened. */
  evaluate (): Promise<EvaluationReport>
  /** Raises an alert from code; the same title and labels again update it without a new notification. */
  raise (alert: RaisedAlert): AlertView
  /** Resolves an alert raised by code; `message` (how it was resolved) reaches the notifiers as the `resolution` annotation. False if there is none with that fingerprint. */
  resolve (fingerprint: string, message?: string): boolean
  /** Acknowledges an active alert: its notifications stop until it resolves. */
  acknowledge (fingerprint: string, by?: string, comment?: string): AlertView | undefined
  /** Pending and firing alerts. */
  active (): AlertView[]
  /** Resolved alerts, newest first. */
  history (limit?: number): AlertView[]
  get (fingerprint: string): AlertView | undefined
  /** The plugin's rules as a Prometheus rule file, with the @obs/metrics prefix by default. */
  exportRules (options?: ExportOptions): ExportResult
  /** Waits until every notification queue is empty (or `timeout` ms pass); false on timeout. */
  flush (timeout?: number): Promise<boolean>
  /** What the in-process engine holds: series tracked, series left out by the limits, groups, history samples. */
  stats (): SourceStats
  /**
   * Adds a rule at run time, checked as the registered ones are (a coded error changes nothing).
   * It reads the series that exist from then on; resolves once it is in effect.
   */
  addRule (rule: RuleInput): Promise<void>
  /** Removes a rule: its firing alerts resolve, and notify. False when there is none of that name. */
  removeRule (name: string): Promise<boolean>
  /** Adds a notification channel at run time, checked as the registered ones are. Alerts that become active from then on can go to it. */
  addNotifier (name: string, config: NotifierConfig): void
  /** Removes a channel once it has delivered what it owes (up to `drainTimeout`). Refused while routing or a rule names it. */
  removeNotifier (name: string): Promise<boolean>
  /** The metric name prefix the rules use. */
  readonly metricsPrefix: string
}

declare module 'fastify' {
  interface FastifyInstance {
    alerts: ObsAlerts
  }
}

/** Labels Prometheus adds when it scrapes: in-process series never have them. */
const PROMETHEUS_LABELS = new Set(['job', 'instance'])

const obsAlerts: FastifyPluginAsync<AlertsPluginOptions> = async function obsAlerts (app: FastifyInstance, options: AlertsPluginOptions) {
  // Before anything is registered: a second registration would otherwise fail on a metric of its own, under @obs/metrics' code.
  if (app.hasDecorator('alerts')) throw new AlreadyRegisteredError()
  const o = resolveOptions(options ?? {})
  const rules = normalizeRules(o.rules)
  for (const rule of rules) checkInterval(rule, o.intervalMs)
  // Kept up to date by addRule/removeRule and addNotifier/removeNotifier.
  const ruleInputs = new Map(o.rules.map((input, i) => [rules[i]!.name, { input, channels: rules[i]!.channels }]))
  const channelNames = new Set(o.notifiers.keys())
  const { route, unrouted, check: checkChannels, namedBy } = resolveRouting(o.routing, channelNames, rules)
  if (unrouted.length > 0) {
    app.log.warn({ severities: unrouted }, `@obs/alerts: routing names no channel for ${unrouted.join(', ')} and has no default: such alerts notify no one unless their rule or raise() names channels (set routing.default, [] for none, to say so)`)
  }
  const warnPrometheusLabels = (list: readonly NormalizedRule[]): void => {
    const promOnly = list.filter((rule) => rule.match.some((m) => PROMETHEUS_LABELS.has(m.name) && !m.matches(undefined))).map((rule) => rule.name)
    if (promOnly.length === 0) return
    app.log.warn({ rules: promOnly }, `@obs/alerts: rule ${promOnly.join(', ')} matches job or instance, labels only Prometheus adds: in-process no series has them (an absent rule fires for ever, the others never); put such matchers in the export's match`)
  }
  warnPrometheusLabels(rules)
  const prefix = o.metricsPrefix ?? app.metrics.prefix
  const generatorURL = (fingerprint: string): string => o.path === false ? '' : `${o.externalUrl}${o.path}/${fingerprint}`

  // Wired top-down, each part from those made before it, all on one clock.
  const clock = systemClock(o.now)
  const self = createSelfMetrics(app)
  const channels = new Map<string, Channel>()
  const spanSecrets = new SpanSecrets()
  const openChannel = (channel: string, { config, delivery }: { config: NotifierConfig, delivery: DeliveryOptions }): void => {
    const notifier = createNotifier(config, { channel, delivery, externalUrl: o.externalUrl })
    const opened = new Channel(channel, notifier, { ...delivery, owedMs: o.repeatIntervalMs }, self, app.log, clock)
    channels.set(channel, opened)
    spanSecrets.open(opened, notifier.secretUrlPrefix)
  }
  for (const [channel, resolved] of o.notifiers) openChannel(channel, resolved)
  const dispatcher = new Dispatcher(channels, clock.now)
  const engine = new AlertEngine({
    rules,
    prefix,
    snapshot: new RegistrySnapshot(app.metrics.registry),
    now: clock.now,
    limits: { maxSeries: o.maxSeries, maxGroups: o.maxGroups, samplesPerWindow: o.samplesPerWindow, ...(o.intervalMs === false ? {} : { intervalMs: o.intervalMs }) },
    repeatIntervalMs: o.repeatIntervalMs,
    historySize: o.historySize,
    resolveRaisedAfterMs: o.resolveRaisedAfterMs,
    checkTimeoutMs: o.checkTimeoutMs,
    startupGraceMs: o.startupGraceMs,
    route,
    generatorURL,
    notify: (notifications) => dispatcher.dispatch(notifications),
    onRuleError (rule, error, first) {
      self.ruleError(rule)
      // Logged when a rule starts failing, not at every evaluation; the counter counts them all.
      if (first) app.log.warn({ err: error, rule }, `@obs/alerts: rule "${rule}" failed to evaluate; its alerts stay as they were until it recovers`)
    },
    onRuleRecovered (rule) {
      app.log.info({ rule }, `@obs/alerts: rule "${rule}" evaluates again`)
    }
  })
  watchState(app, engine, dispatcher)

  const stateFile = o.stateFile === undefined ? undefined : new StateFile(o.stateFile)
  const save = async (): Promise<void> => {
    if (stateFile === undefined) return
    try {
      await stateFile.write({ version: 1, savedAt: clock.now(), alerts: engine.saveAlerts(), channels: Object.fromEntries([...channels].map(([name, c]) => [name, c.save()])) })
    } catch (error) {
      app.log.error({ err: error, path: stateFile.path }, '@obs/alerts: writing the state file failed; a restart would forget the active alerts')
    }
  }
  if (stateFile !== undefined) {
    try {
      const saved = await stateFile.read()
      if (saved !== undefined) {
        const alertsBack = engine.restoreAlerts(saved.alerts)
        let owed = 0
        for (const [name, kept] of Object.entries(saved.channels)) {
          channels.get(name)?.restore(kept)
          owed += channels.has(name) ? kept.owed.length : 0
        }
        app.log.info({ path: stateFile.path, alerts: alertsBack, owed }, `@obs/alerts: restored ${alertsBack} active alerts and ${owed} owed notifications from the state file`)
      }
    } catch (error) {
      // A damaged file never keeps the app from starting: it starts as without one.
      app.log.warn({ err: error, path: stateFile.path }, '@obs/alerts: the state file cannot be read; starting without it')
    }
  }

  const evaluate = async (): Promise<EvaluationReport> => {
    const started = performance.now()
    try {
      return await engine.evaluate()
    } finally {
      self.observeEvaluation((performance.now() - started) / 1000)
      await save()
    }
  }

  let timer: NodeJS.Timeout | undefined
  let current: Promise<unknown> | undefined
  let closing = false
  const tick = (): void => {
    current = evaluate().catch((error: unknown) => {
      app.log.error({ err: error }, '@obs/alerts: an evaluation failed')
    }).finally(() => {
      if (!closing && o.intervalMs !== false) timer = setTimeout(tick, o.intervalMs).unref()
    })
  }
  // @obs/tracing, registered before or after this plugin, is there by now.
  app.addHook('onReady', async () => { spanSecrets.attach(app) })
  if (o.intervalMs !== false) app.addHook('onReady', async () => { tick() })
  app.addHook('onClose', async () => {
    closing = true
    clearTimeout(timer)
    await current
    // With a state file, what the channels could not deliver in time is kept for the next start.
    await dispatcher.close(o.drainTimeoutMs, stateFile !== undefined)
    spanSecrets.closeAll()
    await save()
  })

  const api: ObsAlerts = {
    evaluate,
    raise: (alert) => engine.raise(alert),
    resolve: (fingerprint, message) => engine.resolve(fingerprint, message),
    acknowledge: (fingerprint, by = 'anonymous', comment) => engine.acknowledge(fingerprint, by, comment),
    active: () => engine.active(),
    history: (limit) => engine.resolvedHistory(limit),
    get: (fingerprint) => engine.get(fingerprint),
    exportRules: (exportOptions) => exportRules([...ruleInputs.values()].map((r) => r.input), { prefix, ...exportOptions }),
    flush: (timeout = o.drainTimeoutMs) => dispatcher.idle(timeout),
    stats: () => engine.stats(),
    metricsPrefix: prefix,
    addRule (input) {
      const rule = normalizeRule(input, 'addRule')
      if (ruleInputs.has(rule.name)) throw new DuplicateRuleError(rule.name)
      checkInterval(rule, o.intervalMs)
      if (rule.channels !== undefined) checkChannels(rule.channels, `the channels of rule "${rule.name}"`)
      warnPrometheusLabels([rule])
      ruleInputs.set(rule.name, { input, channels: rule.channels })
      return engine.addRule(rule)
    },
    async removeRule (name) {
      if (!ruleInputs.delete(name)) return false
      await engine.removeRule(name)
      return true
    },
    addNotifier (name, config) {
      if (channelNames.has(name)) throw new InvalidOptionError(`notifiers.${name}`, 'a channel of that name exists')
      openChannel(name, resolveNotifier(name, config, o.delivery))
      channelNames.add(name)
    },
    async removeNotifier (name) {
      const channel = channels.get(name)
      if (channel === undefined) return false
      const rule = [...ruleInputs].find(([, r]) => r.channels?.includes(name))?.[0]
      const user = namedBy(name) === undefined ? rule === undefined ? undefined : `rule "${rule}"` : `routing.${namedBy(name)!}`
      if (user !== undefined) throw new InvalidOptionError(`notifiers.${name}`, `${user} names it: change that first`)
      channelNames.delete(name)
      channels.delete(name)
      await channel.close(o.drainTimeoutMs)
      spanSecrets.close(channel)
      return true
    }
  }
  app.decorate('alerts', api)
  if (o.path !== false) registerRoutes(app, engine, { path: o.path, auth: o.auth, ackAuth: o.ackAuth })
}

export default fp(obsAlerts, { fastify: '5.x', name: '@obs/alerts', dependencies: ['@obs/metrics'] })
export { obsAlerts }
