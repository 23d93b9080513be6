import { readFamily, type Registry } from './registry-family.js'

export type Quantile = (q: number, bounds: readonly number[], counts: ArrayLike<number>) => number

/** The busiest routes a sample keeps: the overview's history stays small with thousands of routes. */
export const MAX_ROUTES = 50

/** One route over one sampling interval. */
export interface RouteRate {
  method: string
  route: string
  /** Requests per second. */
  rate: number
  /** Share of 5xx responses; null without requests. */
  errorRatio: number | null
  /** Duration quantiles in seconds; null without requests. */
  p50: number | null
  p95: number | null
  p99: number | null
}

interface RouteTotals {
  method: string
  route: string
  /** Cumulative bucket counts, +Inf last. */
  buckets: number[]
  errors: number
}

/**
 * Rates, error ratios and quantiles per route between two readings of @obs/metrics' request
 * duration histogram (the PromQL way: bucket deltas, then `histogram_quantile`). It holds only
 * the previous reading, and reads only when asked, i.e. while a page watches.
 */
export class RequestRates {
  private previous: { at: number, totals: Map<string, RouteTotals> } | undefined

  constructor (
    private readonly registry: Registry,
    private readonly family: string,
    private readonly quantile: Quantile
  ) {}

  /** Forgets the baseline: the next reading starts a new one (after a pause in watching). */
  reset (): void {
    this.previous = undefined
  }

  /** The rates since the previous reading; undefined for the first one. */
  async read (at: number): Promise<RouteRate[] | undefined> {
    const reading = await readFamily(this.registry, this.family)
    const { bounds, totals } = aggregate(reading?.values ?? [])
    const previous = this.previous
    this.previous = { at, totals }
    if (previous === undefined) return undefined
    const seconds = Math.max((at - previous.at) / 1000, 1e-3)
    const out: RouteRate[] = []
    for (const [key, now] of totals) {
      const before = previous.totals.get(key)
      const counts = now.buckets.map((cumulative, i) => cumulative - (before?.buckets[i] ?? 0))
      // Back from cumulative to per-bucket counts, as histogramQuantile takes them.
      for (let i = counts.length - 1; i > 0; i--) counts[i] = counts[i]! - counts[i - 1]!
      const requests = now.buckets.at(-1)! - (before?.buckets.at(-1) ?? 0)
      const errors = now.errors - (before?.errors ?? 0)
      const q = (p: number): number | null => requests > 0 ? finite(this.quantile(p, bounds, counts)) : null
      out.push({
        method: now.method,
        route: now.route,
        rate: requests / seconds,
        errorRatio: requests > 0 ? errors / requests : null,
        p50: q(0.5),
        p95: q(0.95),
        p99: q(0.99)
      })
    }
    return out.sort((a, b) => b.rate - a.rate).slice(0, MAX_ROUTES)
  }
}

const finite = (value: number): number | null => Number.isFinite(value) ? value : null

/** Sums the histogram's series by method and route (over status codes). */
function aggregate (values: readonly { metricName?: string, labels?: Record<string, string | number>, value: number }[]): { bounds: number[], totals: Map<string, RouteTotals> } {
  const les: number[] = []
  const index = new Map<string, number>()
  const totals = new Map<string, RouteTotals>()
  for (const sample of values) {
    if (sample.metricName === undefined || !sample.metricName.endsWith('_bucket') || sample.labels === undefined) continue
    const le = String(sample.labels.le)
    if (!index.has(le)) {
      index.set(le, les.length)
      les.push(le === '+Inf' ? Infinity : Number(le))
    }
  }
  const order = [...les].sort((a, b) => a - b)
  const position = new Map([...index].map(([le, i]) => [le, order.indexOf(les[i]!)]))
  for (const sample of values) {
    const labels = sample.labels
    if (sample.metricName === undefined || !sample.metricName.endsWith('_bucket') || labels === undefined) continue
    const method = String(labels.method)
    const route = String(labels.route)
    const key = `${method} ${route}`
    let entry = totals.get(key)
    if (entry === undefined) {
      entry = { method, route, buckets: new Array<number>(order.length).fill(0), errors: 0 }
      totals.set(key, entry)
    }
    const i = position.get(String(labels.le))!
    entry.buckets[i]! += sample.value
    if (labels.le === '+Inf' && Number(labels.status_code) >= 500) entry.errors += sample.value
  }
  return { bounds: order.filter((b) => Number.isFinite(b)), totals }
}
