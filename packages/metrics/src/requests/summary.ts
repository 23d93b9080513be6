import { histogramQuantile } from './histogram-quantile.js'
import type { RequestSeries, SeriesTable } from './series.js'

export interface RouteSummary {
  method: string
  route: string
  /** Requests since the process started. */
  requestsTotal: number
  /** Requests in the window. */
  requests: number
  /** Requests per second over the window. */
  rate: number
  /** Share of the window's requests answered with a 5xx status; null without requests. */
  errorRatio: number | null
  /** Duration quantiles in seconds over the window, estimated from the histogram as PromQL does. */
  p50: number | null
  p95: number | null
  p99: number | null
}

export interface MetricsSummary {
  generatedAt: string
  /** Seconds the rates, ratios and quantiles cover: at least the configured window (less while the process is younger), at most a sixth more. */
  windowSeconds: number
  routes: RouteSummary[]
}

interface Snapshot {
  at: number
  counts: Map<RequestSeries, Float64Array>
}

/**
 * The JSON summary, computed from the same series the exposition renders. Snapshots of the
 * bucket counts are taken a few times per window so that rates and quantiles cover the last
 * window rather than the whole life of the process.
 */
export class RequestSummary {
  private readonly snapshots: Snapshot[]

  constructor (
    private readonly table: SeriesTable,
    readonly windowSeconds: number,
    private readonly now: () => number = () => performance.now()
  ) {
    this.snapshots = [{ at: now(), counts: new Map() }]
  }

  /** Takes a snapshot and forgets those no longer needed as a baseline. */
  tick (): void {
    const counts = new Map<RequestSeries, Float64Array>()
    for (const series of this.table.series) counts.set(series, series.duration.counts.slice())
    this.snapshots.push({ at: this.now(), counts })
    while (this.snapshots.length > 1 && this.ageSeconds(this.snapshots[1]!) >= this.windowSeconds) this.snapshots.shift()
  }

  summary (): MetricsSummary {
    // The baseline is the newest snapshot at least a window old (younger while the process is):
    // rates divide by its real age, which is also the window reported.
    const baseline = this.snapshots[0]!
    const elapsed = this.ageSeconds(baseline) || Number.EPSILON
    const bounds = this.table.layout.durationBuckets
    const routes: RouteSummary[] = []
    for (const state of this.table.methodStates) {
      const window = new Float64Array(bounds.length + 1)
      let requestsTotal = 0
      let errors = 0
      for (const [status, series] of state.statusSeries()) {
        const before = baseline.counts.get(series)
        const counts = series.duration.counts
        let requests = 0
        for (let i = 0; i < counts.length; i++) {
          const delta = counts[i]! - (before?.[i] ?? 0)
          window[i]! += delta
          requests += delta
        }
        requestsTotal += series.duration.count
        if (status >= 500) errors += requests
      }
      let requests = 0
      for (const count of window) requests += count
      routes.push({
        method: state.method,
        route: state.route,
        requestsTotal,
        requests,
        rate: requests / elapsed,
        errorRatio: requests > 0 ? errors / requests : null,
        p50: quantile(0.5, bounds, window),
        p95: quantile(0.95, bounds, window),
        p99: quantile(0.99, bounds, window)
      })
    }
    return { generatedAt: new Date().toISOString(), windowSeconds: Math.round(elapsed * 10) / 10, routes }
  }

  private ageSeconds (snapshot: Snapshot): number {
    return (this.now() - snapshot.at) / 1000
  }
}

function quantile (q: number, bounds: readonly number[], counts: Float64Array): number | null {
  const value = histogramQuantile(q, bounds, counts)
  return Number.isNaN(value) ? null : value
}
