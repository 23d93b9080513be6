import type { FastifyRequest } from 'fastify'
import type { AlertNotification } from './engine/alert.js'
import { type Duration, optionDuration } from './promql/duration.js'
import { InvalidOptionError, UnknownChannelError } from './errors.js'
import { METRIC_NAME } from './promql/matchers.js'
import type { NormalizedRule } from './rules/normalize.js'
import type { AlertmanagerConfig } from './delivery/notifiers/alertmanager.js'
import type { EmailConfig } from './delivery/notifiers/email.js'
import type { SlackConfig } from './delivery/notifiers/slack.js'
import type { WebhookConfig } from './delivery/notifiers/webhook.js'
import { type RuleInput, SEVERITIES, type Severity } from './rules/types.js'

/** Who may use the alert routes: a bearer token, or a function of the request. */
export type AlertsAuth =
  | { bearerToken: string }
  | ((request: FastifyRequest) => boolean | Promise<boolean>)

/** A notifier written in code (PagerDuty, a queue, a test double): throw to fail the attempt. */
export interface CustomNotifierConfig {
  type: 'custom'
  send: (notifications: readonly AlertNotification[], context: { channel: string, signal: AbortSignal }) => Promise<void> | void
}

export interface DeliverySettings {
  /** One attempt's time limit. */
  timeout: Duration
  /** Attempts after the first, for failures worth retrying (down, timeout, 429, 5xx). */
  retries: number
  /** First retry delay; doubles each retry up to `maxBackoff`, with jitter. */
  backoff: Duration
  maxBackoff: Duration
  /** Deliveries waiting per channel; beyond, the oldest waiting one is dropped, logged and counted. */
  queueSize: number
}

export type NotifierConfig = (WebhookConfig | SlackConfig | EmailConfig | AlertmanagerConfig | CustomNotifierConfig) & {
  /** Overrides the plugin's `delivery` settings for this channel. */
  delivery?: Partial<DeliverySettings>
}

/**
 * Channels by severity; `default` for severities not listed. Without any key: every channel.
 * Once a key is set, a severity that is not listed goes to `default`, or nowhere without it.
 */
export type Routing = Partial<Record<Severity | 'default', readonly string[]>>

export interface AlertsPluginOptions {
  /** The rules: plain objects or builders. */
  rules?: readonly RuleInput[]
  /** Evaluation interval; `false` to evaluate only when `app.alerts.evaluate()` is called. */
  interval?: Duration | false
  /** Base path of the routes; `false` for none. */
  path?: string | false
  /** Protects every route. */
  auth?: AlertsAuth
  /** Protects the acknowledge route (default: `auth`). */
  ackAuth?: AlertsAuth
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
  /** The clock, milliseconds since the epoch (tests pass a controllable one). */
  now?: () => number
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
  now: Date.now as () => number
})

export interface ResolvedDelivery {
  timeoutMs: number
  retries: number
  backoffMs: number
  maxBackoffMs: number
  queueSize: number
}

export interface ResolvedOptions {
  rules: readonly RuleInput[]
  intervalMs: number | false
  path: string | false
  auth: AlertsAuth | undefined
  ackAuth: AlertsAuth | undefined
  notifiers: ReadonlyMap<string, { config: NotifierConfig, delivery: ResolvedDelivery }>
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
  now: () => number
}

const positiveInteger = (name: string, value: unknown): number => {
  if (!Number.isInteger(value) || (value as number) < 1) throw new InvalidOptionError(name, 'expected a positive integer')
  return value as number
}

/** Merges options over the defaults once, at registration, and rejects bad ones with coded errors. */
export function resolveOptions (options: AlertsPluginOptions): ResolvedOptions {
  const o = { ...defaults, ...options }
  if (!Array.isArray(o.rules)) throw new InvalidOptionError('rules', 'expected an array of rules')
  if (o.path !== false && (typeof o.path !== 'string' || !o.path.startsWith('/') || o.path.endsWith('/'))) {
    throw new InvalidOptionError('path', 'expected a path starting with "/" (and not ending with one), or false')
  }
  if (o.metricsPrefix !== undefined && (typeof o.metricsPrefix !== 'string' || (o.metricsPrefix !== '' && !METRIC_NAME.test(o.metricsPrefix)))) {
    throw new InvalidOptionError('metricsPrefix', 'expected the @obs/metrics prefix, a metric name prefix')
  }
  if (typeof o.externalUrl !== 'string' || (o.externalUrl !== '' && !/^https?:\/\/[^/]/.test(o.externalUrl))) {
    throw new InvalidOptionError('externalUrl', 'expected an http(s) URL such as "https://agent.example.com"')
  }
  if (!Number.isInteger(o.historySize) || o.historySize < 0) throw new InvalidOptionError('historySize', 'expected an integer ≥ 0')
  if (typeof o.now !== 'function') throw new InvalidOptionError('now', 'expected a function returning milliseconds since the epoch')
  const samplesPerWindow = positiveInteger('samplesPerWindow', o.samplesPerWindow)
  if (samplesPerWindow < 10) throw new InvalidOptionError('samplesPerWindow', 'expected at least 10')
  const delivery = resolveDelivery('delivery', { ...defaults.delivery, ...o.delivery })
  return {
    rules: o.rules,
    intervalMs: o.interval === false ? false : optionDuration('interval', o.interval, { min: 100 }),
    path: o.path === false ? false : o.path,
    auth: resolveAuth('auth', o.auth),
    ackAuth: resolveAuth('ackAuth', o.ackAuth) ?? resolveAuth('auth', o.auth),
    notifiers: resolveNotifiers(o.notifiers, delivery),
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
    now: o.now
  }
}

function resolveDelivery (name: string, d: Partial<DeliverySettings>): ResolvedDelivery {
  if (!Number.isInteger(d.retries) || (d.retries as number) < 0) throw new InvalidOptionError(`${name}.retries`, 'expected an integer ≥ 0')
  const backoffMs = optionDuration(`${name}.backoff`, d.backoff, { min: 1 })
  const maxBackoffMs = optionDuration(`${name}.maxBackoff`, d.maxBackoff, { min: 1 })
  if (maxBackoffMs < backoffMs) throw new InvalidOptionError(`${name}.maxBackoff`, 'must not be shorter than backoff')
  return {
    timeoutMs: optionDuration(`${name}.timeout`, d.timeout, { min: 1 }),
    retries: d.retries as number,
    backoffMs,
    maxBackoffMs,
    queueSize: positiveInteger(`${name}.queueSize`, d.queueSize)
  }
}

function resolveAuth (name: string, auth: unknown): AlertsAuth | undefined {
  if (auth === undefined || typeof auth === 'function') return auth as AlertsAuth | undefined
  const token = (auth as { bearerToken?: unknown } | null)?.bearerToken
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidOptionError(name, 'expected { bearerToken: string } or a function (request) => boolean')
  }
  return { bearerToken: token }
}

const httpUrl = (name: string, value: unknown): void => {
  let ok = false
  try {
    const url = new URL(String(value))
    ok = typeof value === 'string' && (url.protocol === 'http:' || url.protocol === 'https:')
  } catch {}
  if (!ok) throw new InvalidOptionError(name, 'expected an http(s) URL')
}

function resolveNotifiers (notifiers: unknown, delivery: ResolvedDelivery): Map<string, { config: NotifierConfig, delivery: ResolvedDelivery }> {
  if (notifiers === null || typeof notifiers !== 'object' || Array.isArray(notifiers)) {
    throw new InvalidOptionError('notifiers', 'expected an object of channel names to notifier configurations')
  }
  const out = new Map<string, { config: NotifierConfig, delivery: ResolvedDelivery }>()
  for (const [name, config] of Object.entries(notifiers as Record<string, NotifierConfig>)) {
    const at = `notifiers.${name}`
    if (!/^[a-zA-Z0-9_-]+$/.test(name)) throw new InvalidOptionError(at, 'channel names are letters, digits, "_" and "-"')
    if (config === null || typeof config !== 'object') throw new InvalidOptionError(at, 'expected a notifier configuration')
    switch (config.type) {
      case 'webhook': case 'slack': case 'alertmanager':
        httpUrl(`${at}.url`, config.url)
        break
      case 'email': {
        const smtp = config.smtp as EmailConfig['smtp'] | undefined
        if (typeof smtp?.host !== 'string' || smtp.host === '') throw new InvalidOptionError(`${at}.smtp.host`, 'expected the SMTP host')
        if (smtp.port !== undefined && !(Number.isInteger(smtp.port) && smtp.port > 0 && smtp.port < 65536)) throw new InvalidOptionError(`${at}.smtp.port`, 'expected a port number')
        if (typeof config.from !== 'string' || !config.from.includes('@')) throw new InvalidOptionError(`${at}.from`, 'expected an email address')
        const to = typeof config.to === 'string' ? [config.to] : config.to
        if (!Array.isArray(to) || to.length === 0 || !to.every((a) => typeof a === 'string' && a.includes('@'))) {
          throw new InvalidOptionError(`${at}.to`, 'expected an email address or a list of them')
        }
        break
      }
      case 'custom':
        if (typeof config.send !== 'function') throw new InvalidOptionError(`${at}.send`, 'expected a function')
        break
      default:
        throw new InvalidOptionError(`${at}.type`, 'expected "webhook", "slack", "email", "alertmanager" or "custom"')
    }
    if (config.type === 'alertmanager' && config.resendInterval !== undefined) optionDuration(`${at}.resendInterval`, config.resendInterval, { min: 100 })
    if (config.type === 'webhook' && config.maxAlerts !== undefined && !(Number.isInteger(config.maxAlerts) && config.maxAlerts >= 0)) {
      throw new InvalidOptionError(`${at}.maxAlerts`, 'expected an integer ≥ 0')
    }
    const ownDelivery = config.delivery === undefined
      ? delivery
      : resolveDelivery(`${at}.delivery`, { timeout: delivery.timeoutMs, retries: delivery.retries, backoff: delivery.backoffMs, maxBackoff: delivery.maxBackoffMs, queueSize: delivery.queueSize, ...config.delivery })
    out.set(name, { config, delivery: ownDelivery })
  }
  return out
}

export interface ResolvedRouting {
  /** The channels of an alert: its own, else by its severity. */
  route: (severity: Severity, own: readonly string[] | undefined) => readonly string[]
  /** Severities that routing sends nowhere (some keys set, these not, and no `default`). */
  unrouted: Severity[]
}

/** Checks that routing and rules only name declared channels; returns the routing function. */
export function resolveRouting (routing: Routing, channels: readonly string[], rules: readonly NormalizedRule[]): ResolvedRouting {
  if (routing === null || typeof routing !== 'object' || Array.isArray(routing)) throw new InvalidOptionError('routing', 'expected { critical?: [...], …, default?: [...] }')
  const known = new Set(channels)
  const check = (list: unknown, where: string): readonly string[] => {
    if (!Array.isArray(list)) throw new InvalidOptionError(where, 'expected an array of channel names')
    for (const name of list) if (!known.has(name)) throw new UnknownChannelError(String(name), where)
    return list
  }
  for (const key of Object.keys(routing)) {
    if (key !== 'default' && !SEVERITIES.includes(key as Severity)) throw new InvalidOptionError(`routing.${key}`, `expected one of ${SEVERITIES.join(', ')}, default`)
    check(routing[key as Severity], `routing.${key}`)
  }
  for (const rule of rules) if (rule.channels !== undefined) check(rule.channels, `the channels of rule "${rule.name}"`)
  // No routing at all: every channel. Routing for some severities only: the others go to
  // `default`, else nowhere (never to every channel, pager included, by accident).
  const fallback = Object.keys(routing).length === 0 ? channels : routing.default ?? []
  return {
    route: (severity, own) => own !== undefined ? check(own, 'channels') : routing[severity] ?? fallback,
    unrouted: Object.keys(routing).length === 0 || routing.default !== undefined ? [] : SEVERITIES.filter((s) => routing[s] === undefined)
  }
}
