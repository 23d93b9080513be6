import { assertKnownPluginOptions, isHttpUrl, isIntegerAtLeast, resolveRouteAuth } from '@obs/core'
import type { AlertsAuth } from './api/auth.js'
import { InvalidOptionError } from './errors.js'
import { NOTIFIER_TYPES, type NotifierConfig, validateNotifier } from './delivery/notifiers/index.js'
import type { Routing } from './delivery/routing.js'
import { type DeliveryOptions, type DeliverySettings, positiveInteger, resolveDelivery } from './delivery/settings.js'
import { type Duration, optionDuration } from './promql/duration.js'
import { METRIC_NAME } from './promql/matchers.js'
import type { RuleInput } from './rules/types.js'

export interface AlertsPluginOptions {
  /** The rules: plain objects or builders. */
  rules?: readonly RuleInput[]
  /** Evaluation interval; `false` to evaluate only when `app.alerts.evaluate()` is called. */
  interval?: Duration | false
  /** Base path of the routes; `false` for none. */
  path?: string | false
  /** Protects every route. */
  auth?: AlertsAuth
  /**
   * Protects the acknowledge route (default: `auth`). Without either, the route refuses (403):
   * `'open'` lets anyone who reaches the port acknowledge.
   */
  ackAuth?: AlertsAuth | 'open'
  /** Notification channels by name. */
  notifiers?: Record<string, NotifierConfig>
  routing?: Routing
  /** How often a still-firing, unacknowledged alert is notified again. */
  repeatInterval?: Duration
  /** Resolved alerts kept for `GET /alerts`. */
  historySize?: number
  /** Alerts raised by code resolve after this long unless raised again; `false`: only `resolve()`. */
  resolveRaisedAfter?: Duration | false
  delivery?: Partial<DeliverySettings>
  /** How long closing the app waits for queued notifications. */
  drainTimeout?: Duration
  /** The @obs/metrics `prefix`; found in the registry when left out. */
  metricsPrefix?: string
  /** Public base URL of this service, for the links in notifications (`generatorURL`). */
  externalUrl?: string
  /** The most series one rule input (metric and matchers) tracks. */
  maxSeries?: number
  /** The most label combinations (after `by`) one rule input keeps, so the most alerts per rule. */
  maxGroups?: number
  /** History samples kept per window; longer windows are kept coarser. */
  samplesPerWindow?: number
  /** A custom condition that takes longer fails that evaluation. */
  checkTimeout?: Duration
  /**
   * After the first evaluation, how long before a rule over a metric that is not registered (or
   * not of its type) is a rule error: metrics registered lazily get that long to appear.
   */
  startupGrace?: Duration
  /** The clock, milliseconds since the epoch (tests pass a controllable one). */
  now?: () => number
  /**
   * A file that keeps the active alerts and the notifications still owed across a restart
   * (written after each evaluation and at close). Without it, a restart forgets both.
   */
  stateFile?: string
}

export const defaults = Object.freeze({
  rules: [] as readonly RuleInput[],
  interval: '15s' as Duration | false,
  path: '/alerts' as string | false,
  notifiers: {} as Record<string, NotifierConfig>,
  routing: {} as Routing,
  repeatInterval: '4h' as Duration,
  historySize: 1000,
  resolveRaisedAfter: '5m' as Duration | false,
  delivery: Object.freeze({ timeout: '10s', retries: 8, backoff: '1s', maxBackoff: '1m', queueSize: 1000 }) as DeliverySettings,
  drainTimeout: '5s' as Duration,
  externalUrl: '',
  maxSeries: 50_000,
  maxGroups: 1000,
  samplesPerWindow: 240,
  checkTimeout: '10s' as Duration,
  startupGrace: '1m' as Duration,
  now: Date.now as () => number
})

// Every option, so that a misspelled one (`intervall`) is an error rather than a default silently applied.
const OPTION_NAMES: Record<keyof AlertsPluginOptions, true> = {
  rules: true,
  interval: true,
  path: true,
  auth: true,
  ackAuth: true,
  notifiers: true,
  routing: true,
  repeatInterval: true,
  historySize: true,
  resolveRaisedAfter: true,
  delivery: true,
  drainTimeout: true,
  metricsPrefix: true,
  externalUrl: true,
  maxSeries: true,
  maxGroups: true,
  samplesPerWindow: true,
  checkTimeout: true,
  startupGrace: true,
  now: true,
  stateFile: true
}

export interface ResolvedOptions {
  rules: readonly RuleInput[]
  intervalMs: number | false
  path: string | false
  auth: AlertsAuth | undefined
  /** Undefined: the acknowledge route refuses. */
  ackAuth: AlertsAuth | 'open' | undefined
  notifiers: ReadonlyMap<string, { config: NotifierConfig, delivery: DeliveryOptions }>
  /** The plugin's delivery settings, for channels added at run time. */
  delivery: DeliveryOptions
  routing: Routing
  repeatIntervalMs: number
  historySize: number
  resolveRaisedAfterMs: number | false
  drainTimeoutMs: number
  metricsPrefix: string | undefined
  externalUrl: string
  maxSeries: number
  maxGroups: number
  samplesPerWindow: number
  checkTimeoutMs: number
  startupGraceMs: number
  now: () => number
  stateFile: string | undefined
}

/** Merges options over the defaults once, at registration, and rejects bad ones with coded errors. */
export function resolveOptions (options: AlertsPluginOptions): ResolvedOptions {
  assertKnownPluginOptions(options, OPTION_NAMES, InvalidOptionError)
  const o = { ...defaults, ...options }
  if (!Array.isArray(o.rules)) throw new InvalidOptionError('rules', 'expected an array of rules')
  if (o.path !== false && (typeof o.path !== 'string' || !o.path.startsWith('/') || o.path.endsWith('/'))) {
    throw new InvalidOptionError('path', 'expected a path starting with "/" (and not ending with one), or false')
  }
  if (o.metricsPrefix !== undefined && (typeof o.metricsPrefix !== 'string' || (o.metricsPrefix !== '' && !METRIC_NAME.test(o.metricsPrefix)))) {
    throw new InvalidOptionError('metricsPrefix', 'expected the @obs/metrics prefix, a metric name prefix')
  }
  if (typeof o.externalUrl !== 'string' || (o.externalUrl !== '' && !isHttpUrl(o.externalUrl))) {
    throw new InvalidOptionError('externalUrl', 'expected an http(s) URL such as "https://agent.example.com"')
  }
  if (!isIntegerAtLeast(o.historySize, 0)) throw new InvalidOptionError('historySize', 'expected an integer ≥ 0')
  if (o.stateFile !== undefined && (typeof o.stateFile !== 'string' || o.stateFile === '')) throw new InvalidOptionError('stateFile', 'expected a file path')
  if (typeof o.now !== 'function') throw new InvalidOptionError('now', 'expected a function returning milliseconds since the epoch')
  const samplesPerWindow = positiveInteger('samplesPerWindow', o.samplesPerWindow)
  if (samplesPerWindow < 10) throw new InvalidOptionError('samplesPerWindow', 'expected at least 10')
  const delivery = resolveDelivery('delivery', { ...defaults.delivery, ...o.delivery })
  return {
    rules: o.rules,
    intervalMs: o.interval === false ? false : optionDuration('interval', o.interval, { min: 100 }),
    path: o.path === false ? false : o.path,
    auth: resolveRouteAuth('auth', o.auth, InvalidOptionError),
    ackAuth: o.ackAuth === 'open' ? 'open' : resolveRouteAuth('ackAuth', o.ackAuth, InvalidOptionError) ?? resolveRouteAuth('auth', o.auth, InvalidOptionError),
    notifiers: resolveNotifiers(o.notifiers, delivery),
    delivery,
    routing: o.routing,
    repeatIntervalMs: optionDuration('repeatInterval', o.repeatInterval, { min: 1000 }),
    historySize: o.historySize,
    resolveRaisedAfterMs: o.resolveRaisedAfter === false ? false : optionDuration('resolveRaisedAfter', o.resolveRaisedAfter, { min: 1 }),
    drainTimeoutMs: optionDuration('drainTimeout', o.drainTimeout),
    metricsPrefix: o.metricsPrefix,
    externalUrl: o.externalUrl.replace(/\/+$/, ''),
    maxSeries: positiveInteger('maxSeries', o.maxSeries),
    maxGroups: positiveInteger('maxGroups', o.maxGroups),
    samplesPerWindow,
    checkTimeoutMs: optionDuration('checkTimeout', o.checkTimeout, { min: 1 }),
    startupGraceMs: optionDuration('startupGrace', o.startupGrace),
    now: o.now,
    stateFile: o.stateFile
  }
}

function resolveNotifiers (notifiers: unknown, delivery: DeliveryOptions): Map<string, { config: NotifierConfig, delivery: DeliveryOptions }> {
  if (notifiers === null || typeof notifiers !== 'object' || Array.isArray(notifiers)) {
    throw new InvalidOptionError('notifiers', 'expected an object of channel names to notifier configurations')
  }
  const out = new Map<string, { config: NotifierConfig, delivery: DeliveryOptions }>()
  for (const [name, config] of Object.entries(notifiers as Record<string, NotifierConfig>)) out.set(name, resolveNotifier(name, config, delivery))
  return out
}

/** Checks one channel (at registration, or added at run time) over the plugin's delivery settings. */
export function resolveNotifier (name: unknown, config: NotifierConfig, delivery: DeliveryOptions): { config: NotifierConfig, delivery: DeliveryOptions } {
  const at = `notifiers.${String(name)}`
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(name)) throw new InvalidOptionError(at, 'channel names are letters, digits, "_" and "-"')
  if (config === null || typeof config !== 'object') throw new InvalidOptionError(at, 'expected a notifier configuration')
  if (!validateNotifier(config, at)) throw new InvalidOptionError(`${at}.type`, `expected one of ${NOTIFIER_TYPES.map((t) => `"${t}"`).join(', ')}`)
  return { config, delivery: config.delivery === undefined ? delivery : resolveDelivery(`${at}.delivery`, config.delivery, delivery) }
}
