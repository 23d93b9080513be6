import type { CheckFunction } from '../check-result.js'

export interface QueueDepthOptions {
  /** Reads the number of waiting items. */
  depth: () => number | Promise<number>
  /** From this depth the check warns (the probe is degraded, still 200). */
  warnAt: number
  /** From this depth the check fails; by default it only ever warns. */
  failAt?: number
}

/** A queue's backlog: pass below `warnAt`, warn from it, fail from `failAt`. */
export function queueDepthCheck (options: QueueDepthOptions): CheckFunction {
  const { warnAt, failAt = Infinity } = options
  return async () => {
    const depth = await options.depth()
    const status = !(depth < failAt) ? 'fail' : depth >= warnAt ? 'warn' : 'pass'
    return { status, details: { depth, warnAt, ...(failAt === Infinity ? {} : { failAt }) }, measurement: 'depth', observedValue: depth, observedUnit: 'items' }
  }
}
