import { assertKnownPluginOptions, type ExcludeRule, isIntegerAtLeast, resolveExclude, resolveRouteAuth, type RouteAuth } from '@obs/core'
import { Registry } from '@prometheus-io/client'
import { DEFAULT_DURATION_BUCKETS, DEFAULT_SIZE_BUCKETS, validateBuckets } from './buckets.js'
import { resolveDiskPaths } from './app/disk-metrics.js'
import { InvalidOptionError, ReservedLabelError } from './errors.js'
import { assertLabelName, assertMetricName } from './names.js'
import { assertResource, type PushOptions, type ResolvedPush, resolvePush } from './push/index.js'
import { type NativeHistogramSetting, resolveNativeHistogramOptions, type ResolvedNativeHistogramOptions } from './native/options.js'

/** Who may read the metrics routes: a bearer token, or a function of the request. */
export type MetricsAuth = RouteAuth

export interface MetricsPluginOptions {
  /** Path of the exposition route; `false` to mount it yourself with `app.metrics.render()`. */
  path?: string | false
  /** Path of the JSON summary route; `false` for none (`app.metrics.requestSummary()` still works). */
  summaryPath?: string | false
  /** Registry to use; by default a new one per Fastify instance. */
  registry?: Registry
  /** Prepended to the name of every metric this plugin creates. */
  prefix?: string
  /** Labels on every series, e.g. `{ service: 'agent', environment: 'prod' }`. */
  defaultLabels?: Record<string, string>
  /** @prometheus-io/client's process and Node.js metrics. */
  processMetrics?: boolean
  /** The RED request metrics. */
  requestMetrics?: boolean
  /** Upper bounds of the request duration histogram, in seconds. */
  buckets?: number[]
  /** Native (exponential) buckets for the request duration histogram too: `true`, or `{ schema, maxBuckets, zeroThreshold }`. */
  nativeHistograms?: NativeHistogramSetting
  /** Track requests in flight and requests aborted by the client. */
  inFlight?: boolean
  /** Histograms of request and response body size. */
  sizes?: boolean
  sizeBuckets?: number[]
  /** Route templates (exact strings or patterns) that are not measured. */
  exclude?: Array<string | RegExp>
  /** The most label sets one metric may hold; more go to one overflow series. */
  maxLabelSets?: number
  /** The agent/LLM metrics under `app.metrics.agent`. */
  agentMetrics?: boolean
  /** Protects the metrics and summary routes. */
  auth?: MetricsAuth
  /** The window of the JSON summary's rates and quantiles, in seconds. */
  summaryWindowSeconds?: number
  /** Absolute paths whose filesystem's size, free and used space are measured at scrape time. */
  diskPaths?: string[]
  /** Push the same metrics to OTLP, StatsD or the console on an interval (see the README's Push section). */
  push?: PushOptions | false
  /**
   * OpenTelemetry resource attributes of what is pushed (`service.name`,
   * `deployment.environment.name`, …), under `push.serviceName` and `push.resource`; they win
   * over `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`. @obs/setup passes its service here.
   */
  resource?: Record<string, string | number | boolean>
}

export interface ResolvedOptions {
  path: string | false
  summaryPath: string | false
  registry: Registry
  prefix: string
  defaultLabels: Readonly<Record<string, string>>
  processMetrics: boolean
  requestMetrics: boolean
  buckets: readonly number[]
  nativeHistograms: ResolvedNativeHistogramOptions | undefined
  inFlight: boolean
  sizes: boolean
  sizeBuckets: readonly number[]
  exclude: readonly ExcludeRule[]
  maxLabelSets: number
  agentMetrics: boolean
  auth: MetricsAuth | undefined
  summaryWindowSeconds: number
  diskPaths: readonly string[]
  push: ResolvedPush | undefined
}

export const defaults = Object.freeze({
  path: '/metrics',
  summaryPath: '/metrics/summary',
  prefix: '',
  defaultLabels: {},
  processMetrics: true,
  requestMetrics: true,
  buckets: DEFAULT_DURATION_BUCKETS,
  nativeHistograms: false,
  inFlight: true,
  sizes: false,
  sizeBuckets: DEFAULT_SIZE_BUCKETS,
  exclude: [],
  maxLabelSets: 2000,
  agentMetrics: true,
  summaryWindowSeconds: 60,
  diskPaths: []
})

// Every option, so that a misspelled one is an error rather than a default silently applied.
const OPTION_NAMES: Record<keyof MetricsPluginOptions, true> = {
  path: true,
  summaryPath: true,
  registry: true,
  prefix: true,
  defaultLabels: true,
  processMetrics: true,
  requestMetrics: true,
  buckets: true,
  nativeHistograms: true,
  inFlight: true,
  sizes: true,
  sizeBuckets: true,
  exclude: true,
  maxLabelSets: true,
  agentMetrics: true,
  auth: true,
  summaryWindowSeconds: true,
  diskPaths: true,
  push: true,
  resource: true
}

/** Labels of the request metrics: a default label of the same name would shadow them. */
export const REQUEST_LABELS = ['method', 'route', 'status_code', 'error_type'] as const

/** Merges options over the defaults once, at registration, and rejects bad ones with coded errors. */
export function resolveOptions (options: MetricsPluginOptions): ResolvedOptions {
  assertKnownPluginOptions(options, OPTION_NAMES, InvalidOptionError)
  const o = { ...defaults, ...options }
  for (const key of ['path', 'summaryPath'] as const) {
    const value = o[key]
    if (value !== false && (typeof value !== 'string' || !value.startsWith('/'))) {
      throw new InvalidOptionError(key, 'expected a path starting with "/" or false')
    }
  }
  if (typeof o.prefix !== 'string') throw new InvalidOptionError('prefix', 'expected a string')
  if (o.prefix !== '') assertMetricName(o.prefix)
  if (o.registry !== undefined && !(o.registry instanceof Registry)) {
    throw new InvalidOptionError('registry', 'expected an @prometheus-io/client Registry')
  }
  for (const key of ['processMetrics', 'requestMetrics', 'inFlight', 'sizes', 'agentMetrics'] as const) {
    if (typeof o[key] !== 'boolean') throw new InvalidOptionError(key, 'expected a boolean')
  }
  if (!isIntegerAtLeast(o.maxLabelSets, 1)) throw new InvalidOptionError('maxLabelSets', 'expected a positive integer')
  if (!(typeof o.summaryWindowSeconds === 'number' && o.summaryWindowSeconds >= 1)) {
    throw new InvalidOptionError('summaryWindowSeconds', 'expected a number of seconds, at least 1')
  }
  return {
    ...o,
    registry: o.registry ?? new Registry(),
    defaultLabels: resolveDefaultLabels(o.defaultLabels),
    buckets: validateBuckets(o.buckets, 'buckets'),
    nativeHistograms: resolveNativeHistogramOptions(o.nativeHistograms, 'nativeHistograms'),
    sizeBuckets: validateBuckets(o.sizeBuckets, 'sizeBuckets'),
    exclude: resolveExclude('exclude', o.exclude, InvalidOptionError),
    auth: resolveRouteAuth('auth', o.auth, InvalidOptionError),
    diskPaths: resolveDiskPaths(o.diskPaths),
    push: resolvePush(options.push, process.env, resource(options.resource))
  }
}

function resource (value: unknown): Record<string, string | number | boolean> {
  assertResource(value, 'resource')
  return { ...value as Record<string, string | number | boolean> | undefined }
}

function resolveDefaultLabels (labels: unknown): Record<string, string> {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new InvalidOptionError('defaultLabels', 'expected an object of label names to string values')
  }
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(labels)) {
    assertLabelName(name, 'defaultLabels')
    if (name === 'le' || name === 'quantile' || (REQUEST_LABELS as readonly string[]).includes(name)) {
      throw new ReservedLabelError(name, 'defaultLabels', 'the request metrics or Prometheus use it on their own series')
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new InvalidOptionError(`defaultLabels.${name}`, 'expected a string')
    }
    out[name] = String(value)
  }
  return Object.freeze(out)
}
