import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { CheckFunction } from './check-result.js'

/**
 * The default liveness check: fails when the event loop was stalled longer than `maxStallMs`
 * at once since the previous run (the probe period). A loop stalled right now cannot answer
 * at all, which the kubelet sees as a timeout; this catches the loop that stalls and recovers.
 */
export function eventLoopStallCheck (maxStallMs: number): { check: CheckFunction, stop: () => void } {
  const histogram = monitorEventLoopDelay({ resolution: 20 })
  histogram.enable()
  const check: CheckFunction = () => {
    const maxDelayMs = Math.round(histogram.max / 1e6)
    const meanDelayMs = Math.round(histogram.mean / 1e6)
    histogram.reset()
    const details = { maxDelayMs, meanDelayMs, maxStallMs }
    return maxDelayMs > maxStallMs ? { status: 'fail', details } : { status: 'pass', details }
  }
  return { check, stop: () => histogram.disable() }
}
