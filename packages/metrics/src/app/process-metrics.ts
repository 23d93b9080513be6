import { collectDefaultMetrics, Registry } from '@prometheus-io/client'
import { DuplicateMetricError } from '../errors.js'

// Default metrics whose names `promtool check metrics` rejects are left out:
// - three gauges with a counter's `_total` suffix, which OpenMetrics reserves for counters. Each is
//   the sum of a gauge by type that stays (`nodejs_active_handles` …): `sum(nodejs_active_handles)`
//   gives the same number;
// - the event-loop utilization histogram and summary, whose names carry their type.
const REJECTED_NAMES = [
  'nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total',
  'nodejs_eventloop_utilization_histogram', 'nodejs_eventloop_utilization_summary'
]
// @prometheus-io/client feeds the utilization families from an interval of its own (100 ms by
// default) that cannot be turned off: as they are left out, it only needs to run rarely.
const UNUSED_INTERVAL_MS = 60_000

type ProcessMetric = Parameters<Registry['registerMetric']>[0] & { name: string }

// @prometheus-io/client's default metrics start a GC observer, an event-loop monitor and an
// interval that are never stopped and keep their metrics alive: made per plugin instance, every
// closed app would leak them. They describe the process, so they are made once per process (and
// prefix) and the same metric objects are registered in every instance's registry. The one
// module-level state here.
const perPrefix = new Map<string, readonly ProcessMetric[]>()

function processMetrics (prefix: string): readonly ProcessMetric[] {
  let metrics = perPrefix.get(prefix)
  if (metrics === undefined) {
    const own = new Registry()
    collectDefaultMetrics({ register: own, prefix, eventLoopUtilizationTimeout: UNUSED_INTERVAL_MS })
    for (const name of REJECTED_NAMES) own.removeSingleMetric(`${prefix}${name}`)
    metrics = own.getMetricsAsArray() as unknown as ProcessMetric[]
    perPrefix.set(prefix, metrics)
  }
  return metrics
}

/** @prometheus-io/client's process and Node.js runtime metrics, collected at scrape time. */
export function registerProcessMetrics (registry: Registry, prefix: string): void {
  const metrics = processMetrics(prefix)
  const taken = metrics.find((metric) => registry.getSingleMetric(metric.name) !== undefined)
  if (taken !== undefined) {
    throw new DuplicateMetricError(`${taken.name} (the registry already has process metrics: set processMetrics: false)`)
  }
  for (const metric of metrics) registry.registerMetric(metric)
}
