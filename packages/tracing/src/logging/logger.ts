import { assertKnownOptions } from '@obs/core'
import { context, trace } from '@opentelemetry/api'
import { pino, stdSerializers, stdTimeFunctions, symbols, type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { type Env, readEnv, readPairsEnv } from '../sdk/env.js'
import { InvalidOptionError } from '../errors.js'
import { kTraceFieldsBound } from '../symbols.js'
import { traceLogFields } from './log-fields.js'
import { mayHoldSecretKey, redactSecrets } from '../redact/redact-secrets.js'
import { redactUrl, redactUrlsInText } from '../redact/redact-url.js'
import { resolveServiceInfo, type ServiceOptions } from '../sdk/service-info.js'
import { runningTracingSdk } from '../sdk/sdk.js'

export interface LoggerPresetOptions extends ServiceOptions {
  /** The lowest level written; default `LOG_LEVEL`, else `info`. */
  level?: string
  /** More paths to redact, in pino's syntax (`body.card.number`, `*.ssn`); each costs time on every line. */
  redact?: string[]
  /** What a redacted value is replaced with. */
  censor?: string
  /**
   * Hand every written line to the running SDK's OTLP log export too (stdout stays), whenever one
   * runs (`initTracing({ logs: { exporter: 'otlp' } })` or `OTEL_LOGS_EXPORTER=otlp`), even one
   * started after the logger was made. Default on; `false` never exports.
   */
  otlp?: boolean
  /** Read configuration from this object instead of `process.env`. */
  env?: Env
}

// Every option, so that a misspelled one is an error rather than a default silently applied.
const OPTION_NAMES: Record<keyof LoggerPresetOptions, true> = {
  level: true, redact: true, censor: true, otlp: true, env: true, serviceName: true, serviceVersion: true, environment: true
}

interface LoggedRequest {
  method?: string
  url?: string
  host?: string
  ip?: string
  headers?: Record<string, string | string[] | undefined>
  socket?: { remoteAddress?: string, remotePort?: number }
}

// The mixin's answer when it has nothing to add: the merge strategy below then leaves the line's
// object as it is instead of copying it.
const NOTHING = Object.freeze({})

/** Fastify's "incoming request" line: it logs the Fastify request under `req`. */
function isFastifyRequestLine (object: object): boolean {
  const req = (object as { req?: unknown }).req
  return typeof req === 'object' && req !== null && 'routeOptions' in req
}

/**
 * The trace fields of the active span, for lines written anywhere inside one (a `withSpan`, an
 * outbound call, a background job). A logger that already carries them in its bindings (the
 * request loggers of the plugin) gets nothing, so no line holds a key twice. Neither does
 * Fastify's "incoming request" line otherwise: it is written before the plugin has decided
 * whether the request is traced, and the active span then may be HTTP instrumentation's span of
 * an excluded route, which is never exported (a traced route's logger has the fields bound).
 */
function traceMixin (object: object, _level: number, logger?: object): object {
  if (logger !== undefined && (logger as Record<symbol, unknown>)[kTraceFieldsBound] === true) return NOTHING
  if (isFastifyRequestLine(object)) return NOTHING
  const span = trace.getSpan(context.active())
  return (span === undefined ? undefined : traceLogFields(span)) ?? NOTHING
}

function mergeTraceFields (mergeObject: object, mixinObject: object): object {
  return mixinObject === NOTHING ? mergeObject : Object.assign(mixinObject, mergeObject)
}

/**
 * Redacts what `log.child(bindings)` adds. Pino writes a child's bindings once, as JSON text,
 * when the child is made, and gives them to no formatter (`formatters.bindings` is for the root
 * logger only): this `onChild` hook reads the text the child added to its parent's and, only
 * when a key there may be a secret, parses it and writes it again redacted. A request logger's
 * bindings (`reqId`, the trace fields) cost one string test.
 */
function redactChildBindings (censor: string): (child: Logger) => void {
  return function onChild (child) {
    const own = child as unknown as Record<symbol, unknown>
    const all = own[symbols.chindingsSym]
    const inherited = (Object.getPrototypeOf(child) as Record<symbol, unknown>)[symbols.chindingsSym]
    if (typeof all !== 'string' || typeof inherited !== 'string' || !all.startsWith(inherited)) return
    const added = all.slice(inherited.length)
    if (!mayHoldSecretKey(added)) return
    let bindings: Record<string, unknown>
    try {
      bindings = JSON.parse(`{${added.slice(1)}}`) as Record<string, unknown>
    } catch {
      return
    }
    const redacted = redactSecrets(bindings, censor)
    if (redacted !== bindings) own[symbols.chindingsSym] = `${inherited},${JSON.stringify(redacted).slice(1, -1)}`
  }
}

/**
 * The line as written: secret query parameters of any URL in it, the message included (Fastify's
 * 404 line writes the raw URL); one search for `?` on lines without one. With logs over OTLP the
 * same line, whole and redacted, also goes to the SDK's log export, which parses it once: what
 * stdout shows is what the collector gets. The SDK is looked up per line (one read of a global
 * slot, then of its `logs`), so a logger built before `initTracing()` (or kept across a restart
 * in tests) finds the one running; which SDK will run, and whether it exports logs, is not known
 * when the logger is made. Only `otlp: false` leaves the lookup out.
 */
function streamWriteHook (censorInJson: string, otlp: boolean): (line: string) => string {
  if (!otlp) return (line) => redactUrlsInText(line, censorInJson)
  return function redactAndExport (line) {
    const redacted = redactUrlsInText(line, censorInJson)
    runningTracingSdk()?.logs?.write(redacted)
    return redacted
  }
}

// Keys whose values pino serializes itself: the request and response serializers write no
// headers, and the error serializer's output is redacted on its own.
const SERIALIZED = new Set(['req', 'res', 'err'])

/**
 * Pino options for Fastify's `logger` option (or `pino()`): JSON lines, ISO time, the level by
 * name, the service's name, version and environment on every line, the trace fields of the
 * active span, and secrets redacted (authorization, cookies, API keys, tokens, passwords, secret
 * query parameters in logged URLs). Redaction looks at key names, four objects deep (the logged
 * object being the first), in one pass over what the line holds, and in a child logger's
 * bindings once, when the child is made; pino's path-based `redact` is used only for the extra
 * paths given.
 */
export function loggerOptions (options: LoggerPresetOptions = {}): LoggerOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('logger options', 'expected an object')
  assertKnownOptions(options, OPTION_NAMES, InvalidOptionError)
  const env = options.env ?? process.env
  const level = options.level ?? readEnv(env, 'LOG_LEVEL') ?? 'info'
  if (typeof level !== 'string' || (!(level in pino.levels.values) && level !== 'silent')) {
    throw new InvalidOptionError('level', `expected one of ${[...Object.keys(pino.levels.values), 'silent'].join(', ')}`)
  }
  const extra = options.redact ?? []
  if (!Array.isArray(extra) || !extra.every((path) => typeof path === 'string' && path !== '')) {
    throw new InvalidOptionError('redact', 'expected an array of paths')
  }
  const censor = options.censor ?? '[Redacted]'
  if (typeof censor !== 'string') throw new InvalidOptionError('censor', 'expected a string')
  const censorInJson = JSON.stringify(censor).slice(1, -1)
  if (options.otlp !== undefined && typeof options.otlp !== 'boolean') throw new InvalidOptionError('otlp', 'expected a boolean')

  const service = resolveServiceInfo(options, env, readPairsEnv(env, 'OTEL_RESOURCE_ATTRIBUTES') ?? {})
  const base: Record<string, unknown> = { pid: process.pid, 'service.name': service.name }
  if (service.version !== undefined) base['service.version'] = service.version
  if (service.environment !== undefined) base['deployment.environment.name'] = service.environment

  return {
    level,
    base,
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactSecrets(object, censor, { skip: SERIALIZED })
    },
    mixin: traceMixin,
    mixinMergeStrategy: mergeTraceFields,
    hooks: { streamWrite: streamWriteHook(censorInJson, options.otlp !== false) },
    onChild: redactChildBindings(censor),
    ...(extra.length === 0 ? {} : { redact: { paths: [...extra], censor } }),
    serializers: {
      err: (error: unknown) => redactSecrets(stdSerializers.err(error as Error), censor),
      req (request: LoggedRequest) {
        return {
          method: request.method,
          url: request.url === undefined ? undefined : redactUrl(request.url, censor),
          host: request.host ?? request.headers?.host,
          remoteAddress: request.ip ?? request.socket?.remoteAddress,
          remotePort: request.socket?.remotePort
        }
      }
    }
  }
}

/** A pino logger with the preset, for code outside Fastify (workers, scripts) or as `loggerInstance`. */
export function createLogger (options: LoggerPresetOptions = {}, destination?: DestinationStream): Logger {
  return destination === undefined ? pino(loggerOptions(options)) : pino(loggerOptions(options), destination)
}
