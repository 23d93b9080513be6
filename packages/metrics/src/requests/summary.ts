import { addHistograms, subtractHistograms } from '../native/arithmetic.js'
import { nativeHistogramQuantile } from '../native/quantile.js'
import type { NativeHistogramSnapshot } from '../native/snapshot.js'
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
  /**
   * Duration quantiles in seconds over the window, estimated as PromQL's `histogram_quantile`
   * does: from the native buckets when the duration histogram keeps them, else the classic ones.
   */
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
  /** Native buckets, when the duration histogram keeps them. */
  natives: Map<RequestSeries, NativeHistogramSnapshot>
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
    this.snapshots = [{ at: now(), counts: new Map(), natives: new Map() }]
  }

  /** Takes a snapshot and forgets those no longer needed as a baseline. */
  tick (): void {
    const counts = new Map<RequestSeries, Float64Array>()
    const natives = new Map<RequestSeries, NativeHistogramSnapshot>()
    for (const series of this.table.series) {
      counts.set(series, series.duration.counts.slice())
      if (series.duration.native !== undefined) natives.set(series, series.duration.native.snapshot())
    }
    this.snapshots.push({ at: this.now(), counts, natives })
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
      let nativeWindow: NativeHistogramSnapshot | undefined
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
        const native = series.duration.native
        if (native !== undefined) {
          const nativeBefore = baseline.natives.get(series)
          const change = nativeBefore === undefined ? native.snapshot() : subtractHistograms(native.snapshot(), nativeBefore)
          nativeWindow = nativeWindow === undefined ? change : addHistograms(nativeWindow, change)
        }
      }
      let requests = 0
      for (const count of window) requests += count
      // A const, for the closure below.
      const native = nativeWindow
      const quantile = native === undefined
        ? (q: number) => nullIfNaN(histogramQuantile(q, bounds, window))
        : (q: number) => nullIfNaN(nativeHistogramQuantile(q, native))
      routes.push({
        method: state.method,
        route: state.route,
        requestsTotal,
        requests,
        rate: requests / elapsed,
        errorRatio: requests > 0 ? errors / requests : null,
        p50: quantile(0.5),
        p95: quantile(0.95),
        p99: quantile(0.99)
      })
    }
    return { generatedAt: new Date().toISOString(), windowSeconds: Math.round(elapsed * 10) / 10, routes }
  }

  private ageSeconds (snapshot: Snapshot): number {
    return (this.now() - snapshot.at) / 1000
  }
}

function nullIfNaN (value: number): number | null {
  return Number.isNaN(value) ? null : value
}
