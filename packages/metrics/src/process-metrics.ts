import { collectDefaultMetrics, Registry } from 'prom-client'
import { DuplicateMetricError } from './errors.js'

// prom-client adds three gauges with a counter's `_total` suffix, which `promtool check metrics`
// rejects and OpenMetrics reserves for counters. Each is the sum of a gauge by type that stays
// (`nodejs_active_handles` …): `sum(nodejs_active_handles)` gives the same number.
const GAUGES_NAMED_AS_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

type ProcessMetric = Parameters<Registry['registerMetric']>[0] & { name: string }

// prom-client's default metrics start a GC observer and an event-loop monitor that are never
// stopped and keep their metrics alive: made per plugin instance, every closed app would leak
// them. They describe the process, so they are made once per process (and prefix) and the same
// metric objects are registered in every instance's registry. The one module-level state here.
const perPrefix = new Map<string, readonly ProcessMetric[]>()

function processMetrics (prefix: string): readonly ProcessMetric[] {
  let metrics = perPrefix.get(prefix)
  if (metrics === undefined) {
    const own = new Registry()
    collectDefaultMetrics({ register: own, prefix })
    for (const name of GAUGES_NAMED_AS_COUNTERS) own.removeSingleMetric(`${prefix}${name}`)
    metrics = own.getMetricsAsArray() as unknown as ProcessMetric[]
    perPrefix.set(prefix, metrics)
  }
  return metrics
}

/** prom-client's process and Node.js runtime metrics, collected at scrape time. */
export function registerProcessMetrics (registry: Registry, prefix: string): void {
  const metrics = processMetrics(prefix)
  const taken = metrics.find((metric) => registry.getSingleMetric(metric.name) !== undefined)
  if (taken !== undefined) {
    throw new DuplicateMetricError(`${taken.name} (the registry already has process metrics: set processMetrics: false)`)
  }
  for (const metric of metrics) registry.registerMetric(metric)
}
