// A canary against the production baseline, for a CD pipeline's gate (seed 003's canary
// verification): the same load goes to both, request by request, for the monitoring duration, and the canary fails
// when its error ratio, p95 or p99 is past `threshold` times the baseline's (1.2: 20% worse).
import { waitReady } from './http-status.js'
import { describeLoad, type LoadStats, probeLoad } from './probe-load.js'

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
  for (const q of ['p95', 'p99'] as const) {
    if (canary[q] > baseline[q] * threshold && canary[q] - baseline[q] > options.noiseMs) {
      failures.push(`canary ${q} ${canary[q].toFixed(1)} ms is ${(canary[q] / baseline[q]).toFixed(2)}x the baseline's ${baseline[q].toFixed(1)} ms (threshold ${threshold})`)
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
