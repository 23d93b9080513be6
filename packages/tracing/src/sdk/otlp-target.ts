import { isHttpUrl } from '@obs/core'
import { type Env, readEnv, readIntegerEnv, readPairsEnv, warnEnv } from './env.js'
import { InvalidOptionError } from '../errors.js'

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc'
export type OtlpCompression = 'gzip' | 'none'
/** The signals this package exports, by the names the `OTEL_EXPORTER_OTLP_<SIGNAL>_*` variables use. */
export type OtlpSignal = 'traces' | 'logs'

/** Where and how one signal is sent over OTLP; the options in code of that signal. */
export interface OtlpTargetOptions {
  /** The OTLP URL: `http://collector:4318/v1/traces` (HTTP) or `http://collector:4317` (gRPC). */
  endpoint?: string
  /** Headers (gRPC: metadata) sent with every export, e.g. an API key. */
  headers?: Record<string, string>
  protocol?: OtlpProtocol
  /** `gzip` compresses every export; `none` by default. */
  compression?: OtlpCompression
  /** How long one export may take, retries included, in milliseconds (default 10 000). */
  timeoutMs?: number
}

export interface OtlpTarget {
  readonly url: string
  /** False when no endpoint was given anywhere and `url` is the protocol's default. */
  readonly configured: boolean
  readonly headers: Readonly<Record<string, string>>
  readonly protocol: OtlpProtocol
  readonly compression: OtlpCompression | undefined
  readonly timeoutMs: number | undefined
}

export const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc']
const COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none']

/**
 * The specification's defaults: OTLP/HTTP on 4318 with a path per signal, OTLP/gRPC on 4317
 * (the service path is the protocol's, so the endpoint has none).
 */
export function defaultEndpoint (signal: OtlpSignal, protocol: OtlpProtocol): string {
  return protocol === 'grpc' ? 'http://localhost:4317' : `http://localhost:4318/v1/${signal}`
}

function isStringRecord (value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
}

/** `OTEL_EXPORTER_OTLP_<SIGNAL>_<NAME>`, then `OTEL_EXPORTER_OTLP_<NAME>`: the first that is set. */
function variables (signal: OtlpSignal, name: string): [specific: string, general: string] {
  return [`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_${name}`, `OTEL_EXPORTER_OTLP_${name}`]
}

function oneOfFromEnv<T extends string> (env: Env, names: readonly string[], allowed: readonly T[]): T | undefined {
  for (const name of names) {
    const value = readEnv(env, name)
    if (value === undefined) continue
    const lower = value.toLowerCase()
    if ((allowed as readonly string[]).includes(lower)) return lower as T
    warnEnv(name, value, `expected one of ${allowed.join(', ')}`)
    return undefined
  }
  return undefined
}

/**
 * What is wrong with an endpoint that is not an http(s) URL, told without any part of it: even
 * its scheme may be a user name (`user:token@host` parses as the scheme `user:`).
 */
function notAnHttpUrl (value: string): string {
  return URL.canParse(value) ? 'expected an http(s) URL; its scheme is neither http nor https' : 'expected an http(s) URL; it does not parse as a URL'
}

/**
 * The signal's URL from the environment. The signal-specific variable is taken as it is; the
 * general one gets `/v1/<signal>` over HTTP and is taken as it is over gRPC, as the OTLP exporter
 * specification says.
 */
function endpointFromEnv (env: Env, signal: OtlpSignal, protocol: OtlpProtocol): string | undefined {
  const [specificName, generalName] = variables(signal, 'ENDPOINT')
  const specific = readEnv(env, specificName)
  if (specific !== undefined) {
    if (isHttpUrl(specific)) return specific
    warnEnv(specificName, undefined, `${notAnHttpUrl(specific)} (the value is not shown: it may hold credentials)`)
  }
  const base = readEnv(env, generalName)
  if (base === undefined) return undefined
  if (!isHttpUrl(base)) {
    warnEnv(generalName, undefined, `${notAnHttpUrl(base)} (the value is not shown: it may hold credentials)`)
    return undefined
  }
  if (protocol === 'grpc') return base
  return `${base.endsWith('/') ? base : `${base}/`}v1/${signal}`
}

/** Checks the options in code of one signal; `prefix` names where they stand (`logs.`). */
export function validateOtlpTargetOptions (options: OtlpTargetOptions, prefix: string): void {
  if (options.endpoint !== undefined && !isHttpUrl(options.endpoint)) {
    throw new InvalidOptionError(`${prefix}endpoint`, 'expected an http(s) URL')
  }
  if (options.headers !== undefined && !isStringRecord(options.headers)) {
    throw new InvalidOptionError(`${prefix}headers`, 'expected an object of header names to string values')
  }
  if (options.protocol !== undefined && !PROTOCOLS.includes(options.protocol)) {
    throw new InvalidOptionError(`${prefix}protocol`, `expected one of ${PROTOCOLS.join(', ')}`)
  }
  if (options.compression !== undefined && !COMPRESSIONS.includes(options.compression)) {
    throw new InvalidOptionError(`${prefix}compression`, `expected one of ${COMPRESSIONS.join(', ')}`)
  }
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new InvalidOptionError(`${prefix}timeoutMs`, 'expected a whole number of milliseconds, 1 or more')
  }
}

/**
 * Where one signal goes over OTLP: options in code over the signal's `OTEL_EXPORTER_OTLP_*`
 * variables over the general ones over the specification's defaults. Bad options throw coded
 * errors; bad variables are warned about and ignored.
 */
export function resolveOtlpTarget (signal: OtlpSignal, options: OtlpTargetOptions, env: Env, prefix = ''): OtlpTarget {
  validateOtlpTargetOptions(options, prefix)
  const protocol = options.protocol ?? oneOfFromEnv(env, variables(signal, 'PROTOCOL'), PROTOCOLS) ?? 'http/protobuf'
  const endpoint = options.endpoint ?? endpointFromEnv(env, signal, protocol)
  const [specificHeaders, generalHeaders] = variables(signal, 'HEADERS')
  const headers = options.headers ?? { ...readPairsEnv(env, generalHeaders), ...readPairsEnv(env, specificHeaders) }
  const [specificTimeout, generalTimeout] = variables(signal, 'TIMEOUT')
  return {
    url: endpoint ?? defaultEndpoint(signal, protocol),
    configured: endpoint !== undefined,
    headers: { ...headers },
    protocol,
    compression: options.compression ?? oneOfFromEnv(env, variables(signal, 'COMPRESSION'), COMPRESSIONS),
    timeoutMs: options.timeoutMs ?? readIntegerEnv(env, specificTimeout, 1) ?? readIntegerEnv(env, generalTimeout, 1)
  }
}
