import { readFamily, type Registry } from '../sources/registry-family.js'

export interface MetricListing {
  name: string
  help: string
  type: string
}

export interface SeriesValue {
  /** The sample's name: the family's, or its `_bucket`, `_sum`, `_count`. */
  name: string
  labels: Record<string, string>
  value: number
}

export interface MetricReading extends MetricListing {
  series: SeriesValue[]
}

/** Every metric of the registry, by name. Collects nothing. */
export function listMetrics (registry: Registry): MetricListing[] {
  return registry.getMetricsAsArray()
    .map((metric) => ({ name: metric.name, help: metric.help, type: String(metric.type) }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** The current samples of one metric; a histogram without its buckets unless asked. */
export async function readMetric (registry: Registry, name: string, buckets: boolean): Promise<MetricReading | undefined> {
  const reading = await readFamily(registry, name)
  if (reading === undefined) return undefined
  const series: SeriesValue[] = []
  for (const sample of reading.values) {
    const sampleName = sample.metricName ?? reading.name
    if (!buckets && sampleName.endsWith('_bucket')) continue
    const labels: Record<string, string> = {}
    for (const [key, value] of Object.entries(sample.labels ?? {})) labels[key] = String(value)
    series.push({ name: sampleName, labels, value: sample.value })
  }
  return { name: reading.name, help: reading.help, type: String(reading.type), series }
}
