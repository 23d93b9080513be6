// A canary against the production baseline, for a CD pipeline's gate (seed 003's canary
// verification): the same load goes to both, request by request, for the monitoring duration,
// and the canary fails when its error ratio, p95 or p99 is past `threshold` times the
// baseline's (1.2: 20% worse), beyond what sampling explains.
import { waitReady } from './http-status.js'
import { describeLoad, type LoadStats, probeLoad, quantileBounds } from './probe-load.js'

export interface CanaryOptions {
  canary: string
  baseline: string
  /** The monitoring duration: seconds of load on both. */
  seconds: number
  /** Concurrent requests on each. */
  concurrency: number
  /** How much worse than the baseline the canary may be: 1.2 allows 20%. */
  threshold: number
  /** Latency differences smaller than this (ms) are noise, whatever their ratio. */
  noiseMs: number
  /** Error-ratio differences smaller than this (0.005: half a point) are noise, whatever their ratio. */
  errorTolerance: number
  /** How long to wait for both to be ready first, in seconds. */
  readySeconds: number
}

export interface CanaryReport {
  ok: boolean
  failures: string[]
  notes: string[]
  canary?: LoadStats
  baseline?: LoadStats
}

/** What makes the canary worse than the baseline, one line each. */
export function compare (canary: LoadStats, baseline: LoadStats, options: Pick<CanaryOptions, 'threshold' | 'noiseMs' | 'errorTolerance'>): string[] {
  const failures: string[] = []
  const { threshold } = options
  if (canary.requests === 0) failures.push('the canary answered no request')
  if (canary.errorRatio > baseline.errorRatio * threshold && canary.errorRatio - baseline.errorRatio > options.errorTolerance) {
    failures.push(`canary error ratio ${percent(canary.errorRatio)} is past ${threshold}x the baseline's ${percent(baseline.errorRatio)}`)
  }
  // A quantile of a few hundred requests is noisy: two equal instances differ by 20% at p99
  // often enough to fail a gate on point estimates. The canary's quantile counts as past the
  // threshold only when it is even where sampling puts it lowest, against the baseline's where
  // sampling puts it highest (and by more than the noise).
  for (const [name, q] of [['p95', 0.95], ['p99', 0.99]] as const) {
    const low = quantileBounds(canary.latencies, q).low
    const high = quantileBounds(baseline.latencies, q).high
    if (low > high * threshold && low - high > options.noiseMs) {
      failures.push(`canary ${name} ${canary[name].toFixed(1)} ms is ${(canary[name] / baseline[name]).toFixed(2)}x the baseline's ${baseline[name].toFixed(1)} ms, at least ${(low / high).toFixed(2)}x allowing for sampling (threshold ${threshold})`)
    }
  }
  return failures
}

export async function canaryCheck (options: CanaryOptions): Promise<CanaryReport> {
  const failures: string[] = []
  const ready = await Promise.all([options.canary, options.baseline].map((url) => waitReady(url, options.readySeconds)))
  ready.forEach((got, i) => {
    if (got !== 200) failures.push(`${i === 0 ? 'canary' : 'baseline'} ${[options.canary, options.baseline][i]}/health/ready answered ${got}, expected 200`)
  })
  if (failures.length > 0) return { ok: false, failures, notes: [] }

  const [canary, baseline] = await probeLoad([options.canary, options.baseline], options.seconds, options.concurrency) as [LoadStats, LoadStats]
  failures.push(...compare(canary, baseline, options))
  const notes = [
    `canary   ${options.canary}: ${describeLoad(canary)}`,
    `baseline ${options.baseline}: ${describeLoad(baseline)}`,
    `over ${options.seconds} s: p95 ${(canary.p95 / baseline.p95).toFixed(2)}x, p99 ${(canary.p99 / baseline.p99).toFixed(2)}x the baseline's (threshold ${options.threshold})`
  ]
  return { ok: failures.length === 0, failures, notes, canary, baseline }
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`
