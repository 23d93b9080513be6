import {
  Counter, type CounterConfiguration, Gauge, type GaugeConfiguration, Histogram, type HistogramConfiguration,
  type Registry, Summary, type SummaryConfiguration
} from '@prometheus-io/client'
import { validateBuckets } from '../buckets.js'
import { DuplicateMetricError, InvalidOptionError } from '../errors.js'
import { assertLabelNames, assertMetricName } from '../names.js'
import { capLabelSets, type OverflowCounter } from './cardinality.js'

/** An @prometheus-io/client configuration without `registers`: the metric goes to our registry. */
export type MetricConfig<C> = Omit<C, 'registers'>

/** Creates application metrics in the plugin's registry, typed by their label names. */
export interface AppMetrics {
  counter<T extends string = string> (config: MetricConfig<CounterConfiguration<T>>): Counter<T>
  gauge<T extends string = string> (config: MetricConfig<GaugeConfiguration<T>>): Gauge<T>
  histogram<T extends string = string> (config: MetricConfig<HistogramConfiguration<T>>): Histogram<T>
  summary<T extends string = string> (config: MetricConfig<SummaryConfiguration<T>>): Summary<T>
}

export interface AppMetricsContext {
  readonly registry: Registry
  readonly prefix: string
  readonly maxLabelSets: number
  /** Label names no metric may declare (the default labels), with the reason. */
  readonly takenLabels: ReadonlyMap<string, string>
  readonly overflow: OverflowCounter
}

export function createAppMetrics (context: AppMetricsContext): AppMetrics {
  const { registry, prefix, maxLabelSets, takenLabels, overflow } = context

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
    histogram: (config) => {
      const buckets = config.buckets === undefined ? undefined : validateBuckets(config.buckets, config.name)
      return create(Histogram, buckets === undefined ? config : { ...config, buckets: [...buckets] })
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
