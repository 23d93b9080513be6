import type { AlertsPluginOptions } from '@obs/alerts'
import type { HealthPluginOptions } from '@obs/health'
import type { MetricsPluginOptions } from '@obs/metrics'
import type { TracingPluginOptions, TracingSdkOptions } from '@obs/tracing'
import { assertKnownPluginOptions } from '@obs/core'
import { InvalidOptionError } from './errors.js'

/**
 * @obs/console's options, where it is installed. Typed loosely so that this package's types do
 * not need @obs/console, an optional peer: @obs/console checks them when it is registered.
 */
export type ConsoleOptions = Readonly<Record<string, unknown>>

export interface SetupOptions {
  /** The service: the `service` label of every metric, and OpenTelemetry's `service.name`. */
  serviceName: string
  /** The `environment` label of every metric, and `deployment.environment.name`. */
  environment?: string
  /** @obs/metrics' options; `false` leaves it out (and @obs/alerts, which reads its metrics). */
  metrics?: MetricsPluginOptions | false
  /** @obs/tracing's plugin options; `false` leaves the plugin and the SDK out. */
  tracing?: TracingPluginOptions | false
  /**
   * The OpenTelemetry SDK (`initTracing` of @obs/tracing): started with `serviceName` and
   * `environment` when none runs, and shut down when the app closes; `false` leaves it to you.
   */
  tracingSdk?: TracingSdkOptions | false
  /** @obs/health's options; `false` leaves it out. */
  health?: HealthPluginOptions | false
  /** @obs/alerts' options; `false` leaves it out. */
  alerts?: AlertsPluginOptions | false
  /** @obs/console's options, where it is installed; `false` leaves it out even then. */
  console?: ConsoleOptions | false
}

/** The parts, in the order they are registered. */
export const PARTS = ['metrics', 'tracing', 'health', 'alerts', 'console'] as const
export type SetupPart = typeof PARTS[number]

export interface ResolvedOptions {
  serviceName: string
  environment: string | undefined
  metrics: MetricsPluginOptions | false
  tracing: TracingPluginOptions | false
  tracingSdk: TracingSdkOptions | false
  health: HealthPluginOptions | false
  alerts: AlertsPluginOptions | false
  console: ConsoleOptions | false
  /** Whether console options were given (then its absence is worth saying at `info`). */
  consoleAsked: boolean
}

const OWN = ['serviceName', 'environment', 'tracingSdk', ...PARTS]

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** A part's options: an object, `false`, or nothing (its defaults). */
function part<T> (name: string, value: unknown): T | false {
  if (value === undefined) return {} as T
  if (value === false || isPlainObject(value)) return value as T | false
  throw new InvalidOptionError(name, 'expected the options of that part (an object), or false to leave it out')
}

/** Checks the options once, at registration: unknown keys are errors, not defaults silently applied. */
export function resolveOptions (options: unknown): ResolvedOptions {
  if (!isPlainObject(options)) throw new InvalidOptionError('options', 'expected an object with at least serviceName')
  assertKnownPluginOptions(options, OWN, InvalidOptionError)
  const { serviceName, environment } = options
  if (typeof serviceName !== 'string' || serviceName.trim() === '') throw new InvalidOptionError('serviceName', 'expected the name of the service, a non-empty string')
  if (environment !== undefined && (typeof environment !== 'string' || environment.trim() === '')) {
    throw new InvalidOptionError('environment', 'expected a non-empty string')
  }
  const resolved: ResolvedOptions = {
    serviceName,
    environment,
    metrics: part('metrics', options.metrics),
    tracing: part('tracing', options.tracing),
    tracingSdk: part('tracingSdk', options.tracingSdk),
    health: part('health', options.health),
    alerts: part('alerts', options.alerts),
    console: part('console', options.console),
    consoleAsked: isPlainObject(options.console)
  }
  if (resolved.alerts !== false && resolved.metrics === false) {
    throw new InvalidOptionError('alerts', '@obs/alerts evaluates the metrics of @obs/metrics: leave metrics on, or set alerts: false')
  }
  return resolved
}
