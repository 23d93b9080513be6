import { collectDefaultMetrics, type Registry } from 'prom-client'
import { DuplicateMetricError } from './errors.js'

// prom-client adds three gauges with a counter's `_total` suffix, which `promtool check metrics`
// rejects and OpenMetrics reserves for counters. Each is the sum of a gauge by type that stays
// (`nodejs_active_handles` …): `sum(nodejs_active_handles)` gives the same number.
const GAUGES_NAMED_AS_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

/** prom-client's process and Node.js runtime metrics, collected at scrape time. */
export function registerProcessMetrics (registry: Registry, prefix: string): void {
  try {
    collectDefaultMetrics({ register: registry, prefix })
  } catch (error) {
    throw new DuplicateMetricError(`${(error as Error).message} (set processMetrics: false when the registry already has them)`)
  }
  for (const name of GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(`${prefix}${name}`)
}
