// The load a deployment check sends: task submissions that wait for the answer (so latency
// covers the pipeline, not only the queue) alternating with reads of the task list, the paths
// users take. Its tasks stay in the service's task list.

export interface LoadStats {
  requests: number
  /** Answers of 500 or more, and requests that got no answer. */
  errors: number
  errorRatio: number
  /** Latency quantiles of every request, in ms (Infinity without requests). */
  p95: number
  p99: number
  /** Every request's latency in ms, ascending. */
  latencies: readonly number[]
}

/** The `q` quantile of ascending values: the smallest value at or above that share of them. */
export function quantile (sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Infinity
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]!
}

/**
 * How low and how high the `q` quantile may really be, given only these samples: the order
 * statistics `z` standard errors of the binomial count below and above `n × q` (distribution-free).
 * With 250 samples the p99 is the third largest, and its bounds the sixth largest and the largest.
 */
export function quantileBounds (sorted: readonly number[], q: number, z = 1): { low: number, high: number } {
  const n = sorted.length
  if (n === 0) return { low: Infinity, high: Infinity }
  const spread = z * Math.sqrt(n * q * (1 - q))
  const at = (rank: number): number => sorted[Math.min(n, Math.max(1, rank)) - 1]!
  return { low: at(Math.floor(n * q - spread)), high: at(Math.ceil(n * q + spread)) }
}

/** The statistics of one target's requests. */
export function summarize (latencies: number[], errors: number): LoadStats {
  const sorted = latencies.sort((a, b) => a - b)
  return {
    requests: sorted.length,
    errors,
    errorRatio: sorted.length === 0 ? 0 : errors / sorted.length,
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    latencies: sorted
  }
}

/**
 * Sends the load from `concurrency` loops for `seconds` to every target at once: each request
 * goes to all of them at the same moment, so that they meet the same conditions (a pause of the
 * network, of the machine the check runs on) and their latencies compare request by request.
 * Returns the statistics of each target, in order.
 */
export async function probeLoad (targets: readonly string[], seconds: number, concurrency: number): Promise<LoadStats[]> {
  const latencies = targets.map((): number[] => [])
  const errors = targets.map(() => 0)
  const until = Date.now() + seconds * 1000
  let i = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      const post = i++ % 2 === 0
      await Promise.all(targets.map(async (url, target) => {
        const started = performance.now()
        try {
          const response = await fetch(new URL(post ? '/tasks?wait=true' : '/tasks?limit=10', url), {
            method: post ? 'POST' : 'GET',
            ...(post ? { body: JSON.stringify({ query: 'What is an SLO burn rate?' }), headers: { 'content-type': 'application/json' } } : {}),
            signal: AbortSignal.timeout(10_000)
          })
          await response.arrayBuffer()
          if (response.status >= 500) errors[target]!++
        } catch {
          errors[target]!++
        }
        latencies[target]!.push(performance.now() - started)
      }))
    }
  }))
  return latencies.map((values, target) => summarize(values, errors[target]!))
}

/** One line for people: `812 requests, 0 errors (0.00%), p95 62.1 ms, p99 90.3 ms`. */
export function describeLoad (stats: LoadStats): string {
  return `${stats.requests} requests, ${stats.errors} errors (${(stats.errorRatio * 100).toFixed(2)}%), p95 ${stats.p95.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms`
}
