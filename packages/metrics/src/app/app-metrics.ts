import {
  Counter, type CounterConfiguration, Gauge, type GaugeConfiguration, Histogram, type HistogramConfiguration,
  type Registry, Summary, type SummaryConfiguration
} from '@prometheus-io/client'
import { validateBuckets } from '../buckets.js'
import { DuplicateMetricError, InvalidOptionError } from '../errors.js'
import { assertLabelNames, assertMetricName } from '../names.js'
import { type NativeHistogramSetting, resolveNativeHistogramOptions } from '../native/options.js'
import type { ResolutionReductions } from '../native/resolution-reductions.js'
import { capLabelSets, type OverflowCounter } from './cardinality.js'
import { NativeAppHistogram } from './native-app-histogram.js'

/** An @prometheus-io/client configuration without `registers`: the metric goes to our registry. */
export type MetricConfig<C> = Omit<C, 'registers'>

/**
 * A histogram's configuration; `native` keeps native (exponential) buckets beside the classic
 * ones: `true` for the defaults or `{ schema, maxBuckets, zeroThreshold }`.
 */
export type HistogramConfig<T extends string> = MetricConfig<HistogramConfiguration<T>> & { native?: NativeHistogramSetting }

/** Creates application metrics in the plugin's registry, typed by their label names. */
export interface AppMetrics {
  counter<T extends string = string> (config: MetricConfig<CounterConfiguration<T>>): Counter<T>
  gauge<T extends string = string> (config: MetricConfig<GaugeConfiguration<T>>): Gauge<T>
  histogram<T extends string = string> (config: HistogramConfig<T>): Histogram<T>
  summary<T extends string = string> (config: MetricConfig<SummaryConfiguration<T>>): Summary<T>
}

export interface AppMetricsContext {
  readonly registry: Registry
  readonly prefix: string
  readonly maxLabelSets: number
  /** Label names no metric may declare (the default labels), with the reason. */
  readonly takenLabels: ReadonlyMap<string, string>
  readonly overflow: OverflowCounter
  /** Where histograms with native buckets report their resolution reductions. */
  readonly reductions: ResolutionReductions
}

export function createAppMetrics (context: AppMetricsContext): AppMetrics {
  const { registry, prefix, maxLabelSets, takenLabels, overflow, reductions } = context

  /** Validates with coded errors, creates the metric in our registry and caps its label sets. */
  function create<M extends object, C extends { name: string, labelNames?: readonly string[] }> (
    Type: new (config: C & { registers: Registry[] }) => M, config: C
  ): M {
    if (config === null || typeof config !== 'object') throw new InvalidOptionError('metric', 'expected a configuration object')
    const name = `${prefix}${config.name}`
    assertMetricName(name)
    const help = (config as unknown as { help?: unknown }).help
    if (typeof help !== 'string' || help === '') {
      throw new InvalidOptionError(`${name}.help`, 'every metric needs a non-empty help text')
    }
    const labelNames = config.labelNames ?? []
    assertLabelNames(labelNames, name, takenLabels)
    if (registry.getSingleMetric(name) !== undefined) throw new DuplicateMetricError(name)
    const metric = new Type({ ...config, name, registers: [registry] })
    capLabelSets(metric, labelNames, maxLabelSets, overflow, name)
    return metric
  }

  return {
    counter: (config) => create(Counter, config),
    gauge: (config) => create(Gauge, config),
    histogram: (config: HistogramConfig<string>) => {
      if (config === null || typeof config !== 'object') throw new InvalidOptionError('metric', 'expected a configuration object')
      const { native, ...classic } = config
      const buckets = classic.buckets === undefined ? undefined : validateBuckets(classic.buckets, classic.name)
      const withBuckets = buckets === undefined ? classic : { ...classic, buckets: [...buckets] }
      const nativeOptions = resolveNativeHistogramOptions(native, `${classic.name}.native`)
      if (nativeOptions === undefined) return create(Histogram, withBuckets)
      const histogram = create(NativeAppHistogram, { ...withBuckets, native: nativeOptions })
      reductions.track(`${prefix}${classic.name}`, () => histogram.resolutionReductions)
      return histogram
    },
    summary: (config) => {
      for (const p of config.percentiles ?? []) {
        if (typeof p !== 'number' || !(p > 0 && p < 1)) {
          throw new InvalidOptionError(`${config.name}.percentiles`, `${String(p)} is not a quantile strictly between 0 and 1`)
        }
      }
      return create(Summary, config)
    }
  } as AppMetrics
}
