import { assertKnownPluginOptions, isIntegerAtLeast, resolveRouteAuth, type RouteAuth } from '@obs/core'
import { InvalidOptionError } from './errors.js'
import { LogStore } from './stores/log-store.js'

/** Who may open the console: a bearer token, or a function of the request (as @obs/metrics and @obs/alerts take `auth`). */
export type ConsoleAuth = RouteAuth

export interface ConsolePluginOptions {
  /** Where the pages and their API live; it starts and ends with `/`. */
  prefix?: string
  /** Serve the console. Default: on, except when `NODE_ENV` is `production`. */
  enabled?: boolean
  /** Protects every console route. */
  auth?: ConsoleAuth
  /** The log store your logger writes into (`new LogStore()` given to Fastify through `logTee()`); none: the logs view says so. */
  logs?: LogStore
  /** Spans kept for the traces view (a ring: the oldest go first). */
  maxSpans?: number
  /** How often an open page gets a new sample of the overview. */
  intervalMs?: number
  /** How much of the overview's history is kept for a page that opens. */
  historySeconds?: number
  /** How often an open overview runs the health probes. */
  healthIntervalMs?: number
  /** Where @obs/alerts serves its routes (its `path`): the alerts view acknowledges through them. */
  alertsPath?: string
  /** Where `NODE_ENV` is read from. */
  env?: NodeJS.ProcessEnv
}

export interface ResolvedOptions {
  prefix: string
  enabled: boolean
  auth: ConsoleAuth | undefined
  logs: LogStore | undefined
  maxSpans: number
  intervalMs: number
  historySeconds: number
  healthIntervalMs: number
  alertsPath: string
}

export const defaults = Object.freeze({
  prefix: '/obs/',
  maxSpans: 2000,
  intervalMs: 2000,
  historySeconds: 300,
  healthIntervalMs: 5000,
  alertsPath: '/alerts'
})

// Every option, so that a misspelled one (`prefx`) is an error rather than a default silently applied.
const OPTION_NAMES: Record<keyof ConsolePluginOptions, true> = {
  prefix: true,
  enabled: true,
  auth: true,
  logs: true,
  maxSpans: true,
  intervalMs: true,
  historySeconds: true,
  healthIntervalMs: true,
  alertsPath: true,
  env: true
}

const isPath = (value: unknown): value is string => typeof value === 'string' && value.startsWith('/') && !/[\s?#]/.test(value)

function positiveInteger (name: string, value: unknown, min: number): number {
  if (!isIntegerAtLeast(value, min)) throw new InvalidOptionError(name, `expected an integer, at least ${min}`)
  return value as number
}

/** Merges options over the defaults once, at registration, and rejects bad or unknown ones with coded errors. */
export function resolveOptions (options: ConsolePluginOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'expected an object')
  assertKnownPluginOptions(options, OPTION_NAMES, InvalidOptionError)
  const o = { ...defaults, ...options }
  if (!isPath(o.prefix)) throw new InvalidOptionError('prefix', 'expected a path starting with "/"')
  if (!isPath(o.alertsPath)) throw new InvalidOptionError('alertsPath', 'expected a path starting with "/"')
  const env = o.env ?? process.env
  if (env === null || typeof env !== 'object') throw new InvalidOptionError('env', 'expected an object of variables')
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') throw new InvalidOptionError('enabled', 'expected a boolean')
  if (o.logs !== undefined && !(o.logs instanceof LogStore)) throw new InvalidOptionError('logs', 'expected a LogStore of @obs/console')
  const intervalMs = positiveInteger('intervalMs', o.intervalMs, 250)
  const historySeconds = positiveInteger('historySeconds', o.historySeconds, 10)
  if (historySeconds * 1000 < intervalMs * 2) throw new InvalidOptionError('historySeconds', 'expected at least two intervals of history')
  return {
    prefix: o.prefix.endsWith('/') ? o.prefix : `${o.prefix}/`,
    enabled: o.enabled ?? env.NODE_ENV !== 'production',
    auth: resolveRouteAuth('auth', o.auth, InvalidOptionError),
    logs: o.logs,
    maxSpans: positiveInteger('maxSpans', o.maxSpans, 1),
    intervalMs,
    historySeconds,
    healthIntervalMs: positiveInteger('healthIntervalMs', o.healthIntervalMs, 1000),
    alertsPath: o.alertsPath.replace(/\/+$/, '') || '/'
  }
}
