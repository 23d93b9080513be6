import { type Env, isHttpUrl, isIntegerAtLeast, readEnv, readIntegerEnv, readPairsEnv, warnEnv } from '@obs/core'
import { InvalidOptionError } from '../../errors.js'
import { encodeMetricsRequest } from '../otlp/metrics-request.js'
import { createOtlpTransport, type OtlpProtocol } from '../otlp/transport.js'
import { ProtobufWriter } from '../../protobuf/writer.js'
import { SeriesMemory, type Temporality } from '../series-memory.js'
import { ENV_CODE, type PushSettings, type SinkModule } from './types.js'

export interface OtlpPushOptions {
  /** For http/protobuf the full URL (`…/v1/metrics`); for gRPC `http(s)://host:port`. */
  endpoint?: string
  protocol?: OtlpProtocol
  /** Sent with every export (e.g. an API key). Never logged. */
  headers?: Record<string, string>
  /** Per export, retries included. */
  timeoutMs?: number
  compression?: 'gzip' | 'none'
  /** `cumulative` (default) or `delta` for counters and histograms. */
  temporality?: Temporality
  /** Overrides `push.intervalMs` for this sink. */
  intervalMs?: number
}

export interface ResolvedOtlp {
  protocol: OtlpProtocol
  url: string
  headers: Record<string, string>
  timeoutMs: number
  intervalMs: number
  compression: 'gzip' | 'none'
  temporality: Temporality
  resource: PushSettings['resource']
}

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'grpc']
const DEFAULT_URL: Record<OtlpProtocol, string> = { 'http/protobuf': 'http://localhost:4318/v1/metrics', grpc: 'http://localhost:4317' }

/**
 * The first of the signal's variable and the general one that holds a valid value; invalid ones
 * are warned about, with their value unless it may hold a secret (an endpoint's credentials or token).
 */
function firstValid<T> (env: Env, names: readonly string[], parse: (value: string) => T | undefined, expected: string, secret = false): T | undefined {
  for (const name of names) {
    const value = readEnv(env, name)
    if (value === undefined) continue
    const parsed = parse(value)
    if (parsed !== undefined) return parsed
    warnEnv(name, secret ? undefined : value, expected, ENV_CODE)
  }
  return undefined
}

const pick = <T extends string>(allowed: readonly T[]) => (value: string): T | undefined => {
  const lower = value.toLowerCase()
  return (allowed as readonly string[]).includes(lower) ? lower as T : undefined
}

function endpointFromEnv (env: Env, protocol: OtlpProtocol): string | undefined {
  const specific = firstValid(env, ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'], (v) => isHttpUrl(v) ? v : undefined, 'expected an http(s) URL', true)
  if (specific !== undefined) return specific
  const base = firstValid(env, ['OTEL_EXPORTER_OTLP_ENDPOINT'], (v) => isHttpUrl(v) ? v : undefined, 'expected an http(s) URL', true)
  if (base === undefined || protocol === 'grpc') return base
  return `${base.endsWith('/') ? base : `${base}/`}v1/metrics`
}

function isStringRecord (value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')
}

export const otlp: SinkModule<OtlpPushOptions, ResolvedOtlp> = {
  options: { endpoint: true, protocol: true, headers: true, timeoutMs: true, compression: true, temporality: true, intervalMs: true },

  resolve (o, settings, env, at) {
    if (o.protocol !== undefined && !PROTOCOLS.includes(o.protocol)) throw new InvalidOptionError(`${at}.protocol`, `expected one of ${PROTOCOLS.join(', ')}`)
    if (o.endpoint !== undefined && !isHttpUrl(o.endpoint)) throw new InvalidOptionError(`${at}.endpoint`, 'expected an http(s) URL')
    if (o.headers !== undefined && !isStringRecord(o.headers)) throw new InvalidOptionError(`${at}.headers`, 'expected an object of header names to string values')
    for (const key of ['timeoutMs', 'intervalMs'] as const) {
      if (o[key] !== undefined && !isIntegerAtLeast(o[key], 1)) throw new InvalidOptionError(`${at}.${key}`, 'expected a whole number of milliseconds, 1 or more')
    }
    if (o.compression !== undefined && o.compression !== 'gzip' && o.compression !== 'none') throw new InvalidOptionError(`${at}.compression`, 'expected "gzip" or "none"')
    if (o.temporality !== undefined && o.temporality !== 'cumulative' && o.temporality !== 'delta') throw new InvalidOptionError(`${at}.temporality`, 'expected "cumulative" or "delta"')

    const protocol = o.protocol ?? firstValid(env, ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'], pick(PROTOCOLS), `supported: ${PROTOCOLS.join(', ')}`) ?? 'http/protobuf'
    // lowmemory asks for delta where the SDK can tell synchronous instruments apart; a registry cannot, so it is delta.
    const preference = firstValid(env, ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'], pick(['cumulative', 'delta', 'lowmemory'] as const), 'expected cumulative, delta or lowmemory')
    return {
      protocol,
      url: o.endpoint ?? endpointFromEnv(env, protocol) ?? DEFAULT_URL[protocol],
      headers: o.headers ?? { ...readPairsEnv(env, 'OTEL_EXPORTER_OTLP_HEADERS', ENV_CODE), ...readPairsEnv(env, 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', ENV_CODE) },
      timeoutMs: o.timeoutMs ?? readIntegerEnv(env, 'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 1, ENV_CODE) ?? readIntegerEnv(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', 1, ENV_CODE) ?? settings.timeoutMs,
      intervalMs: o.intervalMs ?? settings.intervalMs,
      compression: o.compression ?? firstValid(env, ['OTEL_EXPORTER_OTLP_METRICS_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'], pick(['gzip', 'none'] as const), 'expected gzip or none') ?? 'none',
      temporality: o.temporality ?? (preference === undefined ? 'cumulative' : preference === 'cumulative' ? 'cumulative' : 'delta'),
      resource: settings.resource
    }
  },

  create (r, context) {
    const transport = createOtlpTransport({ protocol: r.protocol, url: r.url, headers: r.headers, timeoutMs: r.timeoutMs, compression: r.compression })
    const memory = new SeriesMemory<unknown>(context.startMs)
    const target = new URL(r.url)
    // The request's buffer, kept for the next push once a send is done with it (a send that failed
    // or outlived a timeout may still hold it: the next push then takes a new one).
    let spare: ProtobufWriter | undefined
    return {
      componentType: r.protocol === 'grpc' ? 'otlp_grpc_metric_exporter' : 'otlp_http_metric_exporter',
      // Origin and path only: a query string or user info may hold a credential.
      // The origin only: a path may carry a token, and logs name this target.
      target: target.origin,
      intervalMs: r.intervalMs,
      timeoutMs: r.timeoutMs,
      async export (snapshot, slicer, deadlineMs) {
        const writer = spare ?? new ProtobufWriter(64 * 1024)
        spare = undefined
        const request = await encodeMetricsRequest(snapshot, memory, { resource: r.resource, scope: SCOPE, temporality: r.temporality }, slicer, writer)
        try {
          if (request.points > 0) {
            if (slicer.due()) await slicer.pause()
            // What is left of the push's timeout once collected and encoded, retries included.
            await transport.send(request, deadlineMs - Date.now())
          }
        } catch (error) {
          memory.abandon() // the next delta covers this push's interval too
          throw error
        }
        memory.commit(snapshot.timeMs)
        spare = writer
        return request.points
      },
      close: () => transport.shutdown()
    }
  }
}

const SCOPE = { name: '@obs/metrics', version: '0.1.0' }
