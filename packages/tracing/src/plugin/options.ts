import { assertKnownPluginOptions, type ExcludeRule, resolveExclude } from '@obs/core'
import type { TracerProvider } from '@opentelemetry/api'
import { InvalidOptionError } from '../errors.js'

export interface TracingPluginOptions {
  /** Where spans go; by default the global provider (set by `initTracing()` or the register preload). */
  tracerProvider?: TracerProvider
  /**
   * Route templates (exact strings) or RegExps that get no span. The default leaves out the
   * health and metrics routes; a route can also opt out with `config: { tracing: false }`.
   */
  exclude?: Array<string | RegExp>
  /** A response header that carries the trace id (e.g. `'x-trace-id'`), or false for none. */
  traceIdHeader?: string | false
  /** Give every `request.log` line `trace_id`, `span_id` and `trace_flags`. */
  logCorrelation?: boolean
  /** Give @obs/metrics' request duration histogram the trace id of sampled requests as exemplars. */
  exemplars?: boolean
  /** Flush the provider's pending spans when the app closes. */
  flushOnClose?: boolean
  /** How long closing the app waits for that flush, in milliseconds. */
  flushTimeoutMs?: number
}

export interface ResolvedOptions {
  tracerProvider: TracerProvider | undefined
  exclude: readonly ExcludeRule[]
  traceIdHeader: string | false
  logCorrelation: boolean
  exemplars: boolean
  flushOnClose: boolean
  flushTimeoutMs: number
}

/** Health probes and metrics scrapes: frequent, uninteresting, and they would crowd out the rest. */
export const DEFAULT_EXCLUDE: RegExp = /^\/(health|metrics)(\/|$)/

export const defaults = Object.freeze({
  exclude: [DEFAULT_EXCLUDE],
  traceIdHeader: false,
  logCorrelation: true,
  exemplars: true,
  flushOnClose: true,
  flushTimeoutMs: 5000
})

// Every option, so that a misspelled one is an error rather than a default silently applied.
const OPTION_NAMES: Record<keyof TracingPluginOptions, true> = {
  tracerProvider: true, exclude: true, traceIdHeader: true, logCorrelation: true, exemplars: true, flushOnClose: true, flushTimeoutMs: true
}

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** Merges options over the defaults once, at registration, and rejects bad ones with coded errors. */
export function resolveOptions (options: TracingPluginOptions): ResolvedOptions {
  assertKnownPluginOptions(options, OPTION_NAMES, InvalidOptionError)
  const o = { ...defaults, ...options }
  const provider = o.tracerProvider as unknown
  if (provider !== undefined && (provider === null || typeof (provider as TracerProvider).getTracer !== 'function')) {
    throw new InvalidOptionError('tracerProvider', 'expected an OpenTelemetry TracerProvider (an object with getTracer)')
  }
  const header = o.traceIdHeader as unknown
  if (header !== false && (typeof header !== 'string' || !HEADER_NAME.test(header))) {
    throw new InvalidOptionError('traceIdHeader', 'expected a header name or false')
  }
  for (const key of ['logCorrelation', 'exemplars', 'flushOnClose'] as const) {
    if (typeof o[key] !== 'boolean') throw new InvalidOptionError(key, 'expected a boolean')
  }
  if (!Number.isInteger(o.flushTimeoutMs) || o.flushTimeoutMs < 0) {
    throw new InvalidOptionError('flushTimeoutMs', 'expected a whole number of milliseconds, 0 or more')
  }
  return {
    tracerProvider: o.tracerProvider,
    exclude: resolveExclude('exclude', o.exclude, InvalidOptionError),
    traceIdHeader: header === false ? false : (header as string).toLowerCase(),
    logCorrelation: o.logCorrelation,
    exemplars: o.exemplars,
    flushOnClose: o.flushOnClose,
    flushTimeoutMs: o.flushTimeoutMs
  }
}
