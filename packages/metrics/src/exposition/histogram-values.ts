import type { MetricValue } from '@prometheus-io/client'
import type { HistogramData } from './text-format.js'

export type SampleValue = MetricValue<string> & { metricName?: string }

interface Samples {
  name: string
  labels: Readonly<Record<string, string>>
  bucketLabels: Array<Record<string, string | number>>
  values: SampleValue[]
}

// One set of value objects per histogram series, made on first use.
const samplesOf = new WeakMap<HistogramData, Samples>()

/**
 * A histogram series as @prometheus-io/client value objects (cumulative buckets, `_sum`,
 * `_count`), for `registry.getMetricsAsJSON()` and friends. The objects are built once and
 * updated in place on every call, as the client's own counters do: a reader that polls (the
 * alert engine) allocates nothing and sees stable label objects.
 */
export function histogramValues (data: HistogramData, name: string, labels: Readonly<Record<string, string>>): readonly SampleValue[] {
  const buckets = data.bounds.length + 1
  let samples = samplesOf.get(data)
  if (samples === undefined || samples.name !== name || samples.labels !== labels) {
    const bucketLabels: Array<Record<string, string | number>> = []
    const values: SampleValue[] = []
    for (let i = 0; i < buckets; i++) {
      bucketLabels.push({ ...labels, le: i < data.bounds.length ? data.bounds[i]! : '+Inf' })
      values.push({ metricName: `${name}_bucket`, labels: bucketLabels[i]!, value: 0 })
    }
    values.push({ metricName: `${name}_sum`, labels, value: 0 }, { metricName: `${name}_count`, labels, value: 0 })
    samples = { name, labels, bucketLabels, values }
    samplesOf.set(data, samples)
  }
  const { values, bucketLabels } = samples
  let cumulative = 0
  for (let i = 0; i < buckets; i++) {
    cumulative += data.counts[i]!
    const sample = values[i]!
    sample.value = cumulative
    // The client's getMetricsAsJSON() replaces `labels` on what it is given: put ours back.
    sample.labels = bucketLabels[i]!
  }
  values[buckets]!.value = data.sum
  values[buckets]!.labels = labels
  values[buckets + 1]!.value = data.count
  values[buckets + 1]!.labels = labels
  return values
}
