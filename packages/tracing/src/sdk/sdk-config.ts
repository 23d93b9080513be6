import { assertKnownOptions } from '@obs/core'
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace'
import { type BatchConfig, batchFromEnv } from './batch-env.js'
import { type Env, readBooleanEnv, readEnv, readListEnv, readPairsEnv, warnEnv } from './env.js'
import { InvalidOptionError } from '../errors.js'
import { type LogsConfig, type LogsOptions, resolveLogsConfig } from '../logs/logs-config.js'
import { type OtlpCompression, type OtlpProtocol, type OtlpTarget, resolveOtlpTarget } from './otlp-target.js'
import { resolveServiceInfo, type ServiceInfo, type ServiceOptions } from './service-info.js'

export type SamplerName =
  | 'always_on' | 'always_off' | 'traceidratio'
  | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio'
export type { OtlpCompression, OtlpProtocol } from './otlp-target.js'
export type ExporterName = 'otlp' | 'console' | 'none'

export interface InstrumentationOptions {
  /** Server spans from `@opentelemetry/instrumentation-http`; the Fastify plugin enriches them. */
  httpServer?: boolean
  /** Client spans and context propagation for `node:http` and `node:https` requests. */
  httpClient?: boolean
  /** Client spans and context propagation for `fetch` and undici. */
  fetch?: boolean
}

export interface TracingSdkOptions extends ServiceOptions {
  /** More resource attributes; `OTEL_RESOURCE_ATTRIBUTES` is read too, these win. */
  resourceAttributes?: Record<string, string | number | boolean>
  /** The OTLP traces URL, e.g. `http://collector:4318/v1/traces`, or `http://collector:4317` over gRPC. */
  endpoint?: string
  /** Headers sent with every export, e.g. an API key (gRPC metadata over gRPC). */
  headers?: Record<string, string>
  protocol?: OtlpProtocol
  /** `gzip` compresses every export of spans. */
  compression?: OtlpCompression
  /** How long one export of spans may take, retries included, in milliseconds. */
  timeoutMs?: number
  /** Logs over OTLP: pino lines of the logger preset, exported beside stdout. Off unless asked for. */
  logs?: LogsOptions
  /** Where spans go: OTLP, the console, nowhere, or an exporter of your own. */
  exporter?: ExporterName | SpanExporter
  /** Replaces the batch processor and exporter altogether (tests use a SimpleSpanProcessor). */
  spanProcessors?: SpanProcessor[]
  /** The sampler, by its `OTEL_TRACES_SAMPLER` name or as an object. */
  sampler?: SamplerName | Sampler
  /** The ratio of the `traceidratio` samplers, from 0 to 1. */
  sampleRatio?: number
  /** HTTP instrumentation to register; all on by default, `false` for none. */
  instrumentations?: InstrumentationOptions | false
  /**
   * Request paths HTTP server instrumentation leaves alone, before any routing: path prefixes (at
   * a `/`) or RegExps. None by default: in a Fastify app the plugin's `exclude` and route config
   * decide; this is for other servers in the process.
   */
  ignoreIncomingPaths?: Array<string | RegExp>
  /** Start nothing: the OpenTelemetry API stays a no-op. */
  disabled?: boolean
  /** Read configuration from this object instead of `process.env`. */
  env?: Env
}

export type ExporterConfig =
  | ({ kind: 'otlp' } & OtlpTarget)
  | { kind: 'console' }
  | { kind: 'none' }
  | { kind: 'custom', exporter: SpanExporter }
  | { kind: 'processors', spanProcessors: readonly SpanProcessor[] }

export type SamplerConfig = { kind: 'named', name: SamplerName, ratio: number } | { kind: 'custom', sampler: Sampler }

export interface ResolvedSdkConfig {
  readonly disabled: boolean
  readonly service: ServiceInfo
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>
  readonly exporter: ExporterConfig
  readonly sampler: SamplerConfig
  readonly batch: Readonly<BatchConfig>
  readonly logs: LogsConfig
  readonly instrumentations: Readonly<Required<InstrumentationOptions>>
  readonly ignoreIncomingPaths: ReadonlyArray<string | RegExp>
}

export const SAMPLERS: readonly SamplerName[] = [
  'always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'
]
const EXPORTERS: readonly ExporterName[] = ['otlp', 'console', 'none']
function isRatio (value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1
}

function exporterNameFromEnv (env: Env): ExporterName | undefined {
  const names = readListEnv(env, 'OTEL_TRACES_EXPORTER')
  if (names === undefined || names.length === 0) return undefined
  const [name] = names
  if (names.length > 1 || !(EXPORTERS as readonly string[]).includes(name!)) {
    warnEnv('OTEL_TRACES_EXPORTER', names.join(','), `expected one of ${EXPORTERS.join(', ')}`)
    return undefined
  }
  return name as ExporterName
}

function resolveExporter (options: TracingSdkOptions, env: Env): ExporterConfig {
  if (options.spanProcessors !== undefined) {
    if (!Array.isArray(options.spanProcessors) || !options.spanProcessors.every((p) => typeof p?.onEnd === 'function')) {
      throw new InvalidOptionError('spanProcessors', 'expected an array of SpanProcessors')
    }
    return { kind: 'processors', spanProcessors: [...options.spanProcessors] }
  }
  const exporter = options.exporter as unknown
  if (exporter !== undefined && typeof exporter === 'object' && exporter !== null) {
    if (typeof (exporter as SpanExporter).export !== 'function') throw new InvalidOptionError('exporter', 'expected "otlp", "console", "none" or a SpanExporter')
    return { kind: 'custom', exporter: exporter as SpanExporter }
  }
  if (exporter !== undefined && !(EXPORTERS as readonly unknown[]).includes(exporter)) {
    throw new InvalidOptionError('exporter', 'expected "otlp", "console", "none" or a SpanExporter')
  }
  const target = resolveOtlpTarget('traces', options, env)
  // Without an endpoint and without an exporter asked for by name, spans go nowhere, quietly:
  // a service run with no collector around must not log export failures.
  const name = (exporter as ExporterName | undefined) ?? exporterNameFromEnv(env) ?? (target.configured ? 'otlp' : 'none')
  if (name !== 'otlp') return { kind: name }
  return { kind: 'otlp', ...target }
}

function resolveSampler (options: TracingSdkOptions, env: Env): SamplerConfig {
  const sampler = options.sampler as unknown
  if (sampler !== undefined && typeof sampler === 'object' && sampler !== null) {
    if (typeof (sampler as Sampler).shouldSample !== 'function') throw new InvalidOptionError('sampler', 'expected a sampler name or a Sampler')
    return { kind: 'custom', sampler: sampler as Sampler }
  }
  if (sampler !== undefined && !(SAMPLERS as readonly unknown[]).includes(sampler)) {
    throw new InvalidOptionError('sampler', `expected one of ${SAMPLERS.join(', ')} or a Sampler`)
  }
  if (options.sampleRatio !== undefined && !isRatio(options.sampleRatio)) {
    throw new InvalidOptionError('sampleRatio', 'expected a number from 0 to 1')
  }
  let name = sampler as SamplerName | undefined
  if (name === undefined) {
    const fromEnv = readEnv(env, 'OTEL_TRACES_SAMPLER')
    if (fromEnv !== undefined && (SAMPLERS as readonly string[]).includes(fromEnv)) name = fromEnv as SamplerName
    else if (fromEnv !== undefined) warnEnv('OTEL_TRACES_SAMPLER', fromEnv, `expected one of ${SAMPLERS.join(', ')}`)
  }
  let ratio = options.sampleRatio
  if (ratio === undefined) {
    const arg = readEnv(env, 'OTEL_TRACES_SAMPLER_ARG')
    const parsed = arg === undefined ? NaN : Number(arg)
    if (isRatio(parsed)) ratio = parsed
    else if (arg !== undefined) warnEnv('OTEL_TRACES_SAMPLER_ARG', arg, 'expected a number from 0 to 1')
  }
  // A parent-based ratio sampler: a request that arrives sampled (or not) stays so; new traces
  // are kept at the ratio. With the default ratio of 1 this is parentbased_always_on.
  return { kind: 'named', name: name ?? 'parentbased_traceidratio', ratio: ratio ?? 1 }
}

function resolveInstrumentations (options: TracingSdkOptions, env: Env): Required<InstrumentationOptions> {
  const given = options.instrumentations as unknown
  if (given === false) return { httpServer: false, httpClient: false, fetch: false }
  if (given !== undefined && (given === null || typeof given !== 'object')) {
    throw new InvalidOptionError('instrumentations', 'expected { httpServer, httpClient, fetch } booleans or false')
  }
  assertKnownOptions(given, INSTRUMENTATION_NAMES, InvalidOptionError, 'instrumentations.')
  const o = (given ?? {}) as InstrumentationOptions
  for (const key of ['httpServer', 'httpClient', 'fetch'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new InvalidOptionError(`instrumentations.${key}`, 'expected a boolean')
  }
  // The variable auto-instrumentations-node reads: `http` and `undici` are the two we register.
  const disabled = readListEnv(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? []
  const http = !disabled.includes('http')
  return {
    httpServer: o.httpServer ?? http,
    httpClient: o.httpClient ?? http,
    fetch: o.fetch ?? !disabled.includes('undici')
  }
}

function resolveResourceAttributes (options: TracingSdkOptions, fromEnv: Record<string, string>, service: ServiceInfo): Record<string, string | number | boolean> {
  const extra = options.resourceAttributes as unknown
  if (extra !== undefined && (extra === null || typeof extra !== 'object' || Array.isArray(extra) ||
      !Object.values(extra).every((v) => ['string', 'number', 'boolean'].includes(typeof v)))) {
    throw new InvalidOptionError('resourceAttributes', 'expected an object of string, number or boolean values')
  }
  const attributes: Record<string, string | number | boolean> = { ...fromEnv, ...(extra as Record<string, string | number | boolean> | undefined) }
  attributes['service.name'] = service.name
  if (service.version !== undefined) attributes['service.version'] = service.version
  if (service.environment !== undefined) attributes['deployment.environment.name'] = service.environment
  return attributes
}

// Every option, so that a misspelled one is an error rather than a default silently applied.
const OPTION_NAMES: Record<keyof TracingSdkOptions, true> = {
  serviceName: true,
  serviceVersion: true,
  environment: true,
  resourceAttributes: true,
  endpoint: true,
  headers: true,
  protocol: true,
  compression: true,
  timeoutMs: true,
  logs: true,
  exporter: true,
  spanProcessors: true,
  sampler: true,
  sampleRatio: true,
  instrumentations: true,
  ignoreIncomingPaths: true,
  disabled: true,
  env: true
}
const INSTRUMENTATION_NAMES: Record<keyof InstrumentationOptions, true> = { httpServer: true, httpClient: true, fetch: true }

/** Options over `OTEL_*` variables over defaults; bad options throw coded errors, bad variables warn. */
export function resolveSdkConfig (options: TracingSdkOptions = {}): ResolvedSdkConfig {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'expected an object')
  assertKnownOptions(options, OPTION_NAMES, InvalidOptionError)
  const env = options.env ?? process.env
  for (const key of ['serviceName', 'serviceVersion', 'environment'] as const) {
    const value = options[key] as unknown
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) throw new InvalidOptionError(key, 'expected a non-empty string')
  }
  if (options.disabled !== undefined && typeof options.disabled !== 'boolean') throw new InvalidOptionError('disabled', 'expected a boolean')
  const ignore = options.ignoreIncomingPaths as unknown
  if (ignore !== undefined && (!Array.isArray(ignore) || !ignore.every((p) => (typeof p === 'string' && p.startsWith('/')) || p instanceof RegExp))) {
    throw new InvalidOptionError('ignoreIncomingPaths', 'expected an array of paths starting with "/" and RegExps')
  }

  const envResource = readPairsEnv(env, 'OTEL_RESOURCE_ATTRIBUTES') ?? {}
  const service = resolveServiceInfo(options, env, envResource)
  return {
    disabled: options.disabled ?? readBooleanEnv(env, 'OTEL_SDK_DISABLED') ?? false,
    service,
    resourceAttributes: resolveResourceAttributes(options, envResource, service),
    exporter: resolveExporter(options, env),
    sampler: resolveSampler(options, env),
    batch: batchFromEnv(env, 'OTEL_BSP_'),
    logs: resolveLogsConfig(options.logs, env),
    instrumentations: resolveInstrumentations(options, env),
    ignoreIncomingPaths: (ignore as Array<string | RegExp> | undefined) ?? []
  }
}
