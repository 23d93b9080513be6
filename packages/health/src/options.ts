import { assertKnownOptions, assertKnownPluginOptions, isNonNegativeNumber, isPositiveNumber } from '@obs/core'
import type { FastifyRequest } from 'fastify'
import { InvalidOptionError } from './errors.js'
import type { CheckDefinition } from './checks/registered-check.js'

/** Process pressure thresholds; `false` turns one off. Sampled by @fastify/under-pressure. */
export interface PressureOptions {
  /** Mean event-loop delay in ms over the last second. */
  maxEventLoopDelay?: number | false
  /** Event-loop utilisation, 0 to 1. */
  maxEventLoopUtilization?: number | false
  maxHeapUsedBytes?: number | false
  maxRssBytes?: number | false
  /** Answer 503 on every route (health routes excepted) while under pressure. */
  shedLoad?: boolean
}

export interface ShutdownOptions {
  /** Signals that start a graceful shutdown, then exit; `false` for none (call `app.health.shutdown()`). */
  signals?: NodeJS.Signals[] | false
  /** How long readiness reports 503 while every other route keeps serving, before the server closes. */
  drainDelayMs?: number
  /** After a signal: exit with code 1 if closing takes longer than this. */
  timeoutMs?: number
}

export interface HealthPluginOptions {
  /** Prefix of the routes: `/health/live`, `/health/ready`, `/health/startup`. */
  prefix?: string
  /** `GET /health` (the prefix itself) answers as readiness, for load balancers; `false` for no such route. */
  alias?: boolean
  /** A whole probe answers within this; keep it under the probe's timeoutSeconds (1 s by default). */
  deadlineMs?: number
  /** Default timeout of one check run. */
  checkTimeoutMs?: number
  /** Checks to register at once, as `app.health.addCheck` takes them. */
  checks?: CheckDefinition[]
  /** Whether bodies show each check's details and errors: on a public port, say `never`. */
  exposeDetails?: 'always' | 'never' | ((request: FastifyRequest) => boolean)
  /** Reported in bodies; by default the `npm_package_version` of the running app, if any. */
  version?: string
  /** Liveness fails when the event loop has been stalled longer than this (ms); `false` for no such check. */
  maxEventLoopStallMs?: number | false
  /** Readiness fails under process pressure; `false` to ignore pressure. */
  pressure?: PressureOptions | false
  /** The startup probe fails for good if startup has not succeeded within this (ms). */
  startupTimeoutMs?: number | false
  shutdown?: ShutdownOptions
}

export interface ResolvedPressure {
  maxEventLoopDelay: number
  maxEventLoopUtilization: number
  maxHeapUsedBytes: number
  maxRssBytes: number
  shedLoad: boolean
}

export interface ResolvedOptions {
  prefix: string
  alias: boolean
  deadlineMs: number
  checkTimeoutMs: number
  checks: CheckDefinition[]
  exposeDetails: 'always' | 'never' | ((request: FastifyRequest) => boolean)
  version: string
  maxEventLoopStallMs: number | false
  pressure: ResolvedPressure | false
  startupTimeoutMs: number | false
  shutdown: { signals: NodeJS.Signals[] | false, drainDelayMs: number, timeoutMs: number }
}

export const defaults = Object.freeze({
  prefix: '/health',
  alias: true,
  deadlineMs: 800,
  checkTimeoutMs: 500,
  checks: [] as CheckDefinition[],
  exposeDetails: 'always' as const,
  maxEventLoopStallMs: 5000,
  // Utilisation is off by default: a saturated but healthy process would flap out of rotation.
  pressure: Object.freeze({ maxEventLoopDelay: 1000, maxEventLoopUtilization: false, maxHeapUsedBytes: false, maxRssBytes: false, shedLoad: false }),
  startupTimeoutMs: false as const,
  shutdown: Object.freeze({ signals: false as const, drainDelayMs: 5000, timeoutMs: 30_000 })
})

// Every option, so that a misspelled one is an error rather than a default silently applied.
const OPTION_NAMES: Record<keyof HealthPluginOptions, true> = {
  prefix: true,
  alias: true,
  deadlineMs: true,
  checkTimeoutMs: true,
  checks: true,
  exposeDetails: true,
  version: true,
  maxEventLoopStallMs: true,
  pressure: true,
  startupTimeoutMs: true,
  shutdown: true
}
const PRESSURE_OPTION_NAMES: Record<keyof PressureOptions, true> = {
  maxEventLoopDelay: true, maxEventLoopUtilization: true, maxHeapUsedBytes: true, maxRssBytes: true, shedLoad: true
}
const SHUTDOWN_OPTION_NAMES: Record<keyof ShutdownOptions, true> = { signals: true, drainDelayMs: true, timeoutMs: true }

function limit (name: string, value: unknown): number | false {
  if (value === false) return false
  if (!isPositiveNumber(value)) throw new InvalidOptionError(name, 'expected a positive number or false')
  return value
}

/** Merges options over the defaults once, at registration, and rejects bad ones with coded errors. */
export function resolveOptions (options: HealthPluginOptions): ResolvedOptions {
  assertKnownPluginOptions(options, OPTION_NAMES, InvalidOptionError)
  const o = { ...defaults, ...options }
  if (typeof o.prefix !== 'string' || (o.prefix !== '' && (!o.prefix.startsWith('/') || o.prefix.endsWith('/')))) {
    throw new InvalidOptionError('prefix', 'expected "" or a path that starts with "/" and does not end with one')
  }
  if (typeof o.alias !== 'boolean') throw new InvalidOptionError('alias', 'expected a boolean')
  if (!isPositiveNumber(o.deadlineMs)) throw new InvalidOptionError('deadlineMs', 'expected a positive number of ms')
  if (!isPositiveNumber(o.checkTimeoutMs)) throw new InvalidOptionError('checkTimeoutMs', 'expected a positive number of ms')
  if (!Array.isArray(o.checks)) throw new InvalidOptionError('checks', 'expected an array of check definitions')
  if (!(o.exposeDetails === 'always' || o.exposeDetails === 'never' || typeof o.exposeDetails === 'function')) {
    throw new InvalidOptionError('exposeDetails', 'expected "always", "never" or a function of the request')
  }
  const version = o.version ?? process.env.npm_package_version ?? 'unknown'
  if (typeof version !== 'string') throw new InvalidOptionError('version', 'expected a string')

  let pressure: ResolvedPressure | false = false
  if (o.pressure !== false) {
    if (o.pressure === null || typeof o.pressure !== 'object') throw new InvalidOptionError('pressure', 'expected an object or false')
    assertKnownOptions(o.pressure, PRESSURE_OPTION_NAMES, InvalidOptionError, 'pressure.')
    const p = { ...defaults.pressure, ...o.pressure }
    if (typeof p.shedLoad !== 'boolean') throw new InvalidOptionError('pressure.shedLoad', 'expected a boolean')
    const eventLoopUtilization = limit('pressure.maxEventLoopUtilization', p.maxEventLoopUtilization)
    if (eventLoopUtilization !== false && eventLoopUtilization > 1) {
      throw new InvalidOptionError('pressure.maxEventLoopUtilization', 'expected a fraction between 0 and 1')
    }
    // 0 means "not checked", as @fastify/under-pressure reads its own thresholds.
    pressure = {
      maxEventLoopDelay: limit('pressure.maxEventLoopDelay', p.maxEventLoopDelay) || 0,
      maxEventLoopUtilization: eventLoopUtilization || 0,
      maxHeapUsedBytes: limit('pressure.maxHeapUsedBytes', p.maxHeapUsedBytes) || 0,
      maxRssBytes: limit('pressure.maxRssBytes', p.maxRssBytes) || 0,
      shedLoad: p.shedLoad
    }
  }

  if (o.shutdown !== undefined && (o.shutdown === null || typeof o.shutdown !== 'object')) throw new InvalidOptionError('shutdown', 'expected an object')
  assertKnownOptions(o.shutdown, SHUTDOWN_OPTION_NAMES, InvalidOptionError, 'shutdown.')
  const s = { ...defaults.shutdown, ...o.shutdown }
  if (s.signals !== false && !(Array.isArray(s.signals) && s.signals.every((signal) => typeof signal === 'string' && signal.startsWith('SIG')))) {
    throw new InvalidOptionError('shutdown.signals', 'expected an array of signal names such as ["SIGTERM"], or false')
  }
  if (!isNonNegativeNumber(s.drainDelayMs)) throw new InvalidOptionError('shutdown.drainDelayMs', 'expected a number of ms, 0 or more')
  if (!isPositiveNumber(s.timeoutMs)) throw new InvalidOptionError('shutdown.timeoutMs', 'expected a positive number of ms')

  return {
    prefix: o.prefix,
    // With no prefix the alias would be `/`, the app's own.
    alias: o.alias && o.prefix !== '',
    deadlineMs: o.deadlineMs,
    checkTimeoutMs: o.checkTimeoutMs,
    checks: o.checks,
    exposeDetails: o.exposeDetails,
    version,
    maxEventLoopStallMs: limit('maxEventLoopStallMs', o.maxEventLoopStallMs),
    pressure,
    startupTimeoutMs: limit('startupTimeoutMs', o.startupTimeoutMs),
    shutdown: { signals: s.signals === false ? false : [...s.signals], drainDelayMs: s.drainDelayMs, timeoutMs: s.timeoutMs }
  }
}
