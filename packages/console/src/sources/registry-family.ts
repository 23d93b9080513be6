import type { ObsMetrics } from '@obs/metrics'

export type Registry = ObsMetrics['registry']

/** A sample as the client's metric objects give it (`_bucket`, `_sum` and `_count` of a histogram carry `metricName`). */
export interface FamilySample {
  metricName?: string
  labels?: Record<string, string | number>
  value: number
}

export interface FamilyReading {
  name: string
  help: string
  type: string
  values: FamilySample[]
}

interface Family {
  get (): Promise<FamilyReading> | FamilyReading
}

/** Reads one family of the registry straight from its metric object; undefined when there is none. */
export async function readFamily (registry: Registry, name: string): Promise<FamilyReading | undefined> {
  const family = registry.getSingleMetric(name) as unknown as Family | undefined
  if (family === undefined) return undefined
  return await family.get()
}
