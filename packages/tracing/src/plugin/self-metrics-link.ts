import type { FastifyInstance } from 'fastify'
import { runningTracingSdk } from '../sdk/sdk.js'
import { SELF_METRICS, type SelfMetricName } from '../self-metrics/self-metrics.js'

/** The part of a prom-client counter a `collect` function uses. */
interface CollectedCounter {
  reset (): void
  inc (labels: Record<string, string>, value: number): void
}

/** What @obs/metrics offers as `app.metrics.counter` (structurally: this package does not import it). */
interface MetricsApi {
  counter (config: { name: string, help: string, labelNames: string[], collect (this: CollectedCounter): void }): unknown
}

/**
 * When @obs/metrics is registered (before or after this plugin), the SDK's export counters show on
 * its `/metrics`: counters whose values are read from the running SDK at scrape time, so nothing
 * is counted twice and a scrape costs nothing between scrapes. Without @obs/metrics they are
 * still counted (`sdk.selfMetrics.read()`).
 */
export function linkSelfMetrics (app: FastifyInstance): void {
  app.addHook('onReady', async function registerSelfMetrics () {
    const metrics = (app as unknown as { metrics?: Partial<MetricsApi> }).metrics
    if (typeof metrics?.counter !== 'function') return
    for (const name of Object.keys(SELF_METRICS) as SelfMetricName[]) {
      try {
        metrics.counter({
          name,
          help: SELF_METRICS[name],
          labelNames: ['otel_component_type', 'error_type'],
          collect () {
            this.reset()
            const family = runningTracingSdk()?.selfMetrics.read().find((f) => f.name === name)
            for (const { labels, value } of family?.series ?? []) this.inc({ ...labels }, value)
          }
        })
      } catch (error) {
        // A metric of that name made by the app: the counts stay readable through the SDK.
        process.emitWarning(`${name} is not shown on /metrics: ${(error as Error).message}`, { code: 'OBS_TRACING_SELF_METRICS' })
      }
    }
  })
}
