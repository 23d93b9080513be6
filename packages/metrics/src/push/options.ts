import { assertKnownOptions, type Env, isIntegerAtLeast, readIntegerEnv, readListEnv, resolveResourceAttributes, type ResourceValue, warnEnv } from '@obs/core'
import { InvalidOptionError } from '../errors.js'
import { SINKS, type SinkName, type SinkOptions } from './sinks/index.js'
import { ENV_CODE, type PushSettings } from './sinks/types.js'

export interface PushOptions extends SinkOptions {
  /** Between pushes; default `OTEL_METRIC_EXPORT_INTERVAL`, else 60000. */
  intervalMs?: number
  /** The most one push may take; default `OTEL_METRIC_EXPORT_TIMEOUT`, else 30000. */
  timeoutMs?: number
  /** `service.name` of the OTLP resource; default `OTEL_SERVICE_NAME`, then `OTEL_RESOURCE_ATTRIBUTES`. */
  serviceName?: string
  /** More OTLP resource attributes; they win over `OTEL_RESOURCE_ATTRIBUTES`. */
  resource?: Record<string, ResourceValue>
}

export interface ResolvedSink {
  readonly name: SinkName
  readonly config: unknown
}

export interface ResolvedPush {
  readonly settings: PushSettings
  readonly sinks: readonly ResolvedSink[]
}

const OPTION_NAMES: Record<keyof PushOptions, true> = {
  intervalMs: true, timeoutMs: true, serviceName: true, resource: true, otlp: true, statsd: true, console: true
}
const ENV_EXPORTERS = ['otlp', 'console', 'none', 'prometheus'] as const

/** Which sinks `OTEL_METRICS_EXPORTER` asks for; `prometheus` is `/metrics` itself. */
function exportersFromEnv (env: Env): SinkName[] | undefined {
  const names = readListEnv(env, 'OTEL_METRICS_EXPORTER')
  if (names === undefined || names.length === 0) return undefined
  const unknown = names.filter((name) => !(ENV_EXPORTERS as readonly string[]).includes(name))
  if (unknown.length > 0) warnEnv('OTEL_METRICS_EXPORTER', names.join(','), `${unknown.join(', ')}: expected ${ENV_EXPORTERS.join(', ')}; those are ignored`, ENV_CODE)
  return names.filter((name): name is SinkName => name === 'otlp' || name === 'console')
}

/** Resource attributes as options take them: an object of string, number or boolean values. */
export function assertResource (value: unknown, name: string): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value) ||
      !Object.values(value).every((v) => ['string', 'number', 'boolean'].includes(typeof v)))) {
    throw new InvalidOptionError(name, 'expected an object of string, number or boolean values')
  }
}

/**
 * The `push` option over `OTEL_*` variables. Without the option, push is on only when
 * `OTEL_METRICS_EXPORTER` asks for a sink; `push: false` turns it off whatever the variables say.
 * Options given in code are validated strictly (coded errors); bad variables are warned about.
 */
export function resolvePush (
  option: PushOptions | false | undefined,
  env: Env = process.env,
  /** The plugin's `resource`: under the push's own `serviceName` and `resource`. */
  baseResource: Readonly<Record<string, ResourceValue>> = {}
): ResolvedPush | undefined {
  if (option === false) return undefined
  const o: PushOptions = option ?? {}
  if (option !== undefined && (option === null || typeof option !== 'object' || Array.isArray(option))) {
    throw new InvalidOptionError('push', 'expected an object of push settings, or false')
  }
  assertKnownOptions(o, OPTION_NAMES, InvalidOptionError, 'push.')
  for (const key of ['intervalMs', 'timeoutMs'] as const) {
    if (o[key] !== undefined && !isIntegerAtLeast(o[key], 1)) throw new InvalidOptionError(`push.${key}`, 'expected a whole number of milliseconds, 1 or more')
  }
  if (o.serviceName !== undefined && (typeof o.serviceName !== 'string' || o.serviceName.trim() === '')) {
    throw new InvalidOptionError('push.serviceName', 'expected a non-empty string')
  }
  assertResource(o.resource, 'push.resource')

  const inCode = (Object.keys(SINKS) as SinkName[]).filter((name) => o[name] !== undefined)
  const names = inCode.length > 0
    ? inCode.filter((name) => o[name] !== false)
    : exportersFromEnv(env) ?? (option === undefined ? [] : ['otlp' as const])
  if (names.length === 0) return undefined

  const settings: PushSettings = {
    intervalMs: o.intervalMs ?? readIntegerEnv(env, 'OTEL_METRIC_EXPORT_INTERVAL', 1, ENV_CODE) ?? 60_000,
    timeoutMs: o.timeoutMs ?? readIntegerEnv(env, 'OTEL_METRIC_EXPORT_TIMEOUT', 1, ENV_CODE) ?? 30_000,
    resource: Object.freeze(resolveResourceAttributes({ serviceName: o.serviceName, resource: { ...baseResource, ...o.resource } }, env, ENV_CODE))
  }
  const sinks = [...new Set(names)].map((name): ResolvedSink => {
    const given = o[name] ?? true
    if (given !== true && (given === null || typeof given !== 'object' || Array.isArray(given))) {
      throw new InvalidOptionError(`push.${name}`, 'expected an object of settings, true or false')
    }
    const config = given === true ? {} : given
    const module = SINKS[name]
    assertKnownOptions(config, module.options, InvalidOptionError, `push.${name}.`)
    return { name, config: (module.resolve as (c: object, s: PushSettings, e: Env, at: string) => unknown)(config, settings, env, `push.${name}`) }
  })
  return { settings, sinks }
}
