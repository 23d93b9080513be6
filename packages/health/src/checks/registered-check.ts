import type { FastifyBaseLogger } from 'fastify'
import type { CheckFunction, CheckResult } from './check-result.js'
import { runCheck } from './run-check.js'
import { SharedRun } from './shared-run.js'

// A run that held the event loop longer than this has its result reused for REUSE_FACTOR times
// as long: however many probes come, such a check takes about a tenth of the loop at most. A
// check that costs less (any I/O check) runs for every probe that does not share a run.
const BUSY_THRESHOLD_MS = 1
const REUSE_FACTOR = 10

export type Probe = 'live' | 'ready' | 'startup'

export interface CheckDefinition {
  /** Letters, digits, `_`, `.` and `-`, at most 64; it becomes a metric label and a JSON key. */
  name: string
  check: CheckFunction
  /** The longest one run may take; clamped to the probe deadline. */
  timeoutMs?: number
  /** A failing critical check makes the probe unhealthy (503); a non-critical one degraded (200). */
  critical?: boolean
  /** The probes the check belongs to. */
  probes?: Probe[]
  /** Reuse a result this long instead of running the check again. */
  cacheTtlMs?: number
  /** Run the check on this interval in the background; probes answer from the last result. */
  refreshIntervalMs?: number
}

export interface CheckSettings {
  readonly name: string
  readonly check: CheckFunction
  readonly timeoutMs: number
  readonly critical: boolean
  readonly probes: ReadonlySet<Probe>
  readonly cacheTtlMs: number
  readonly refreshIntervalMs: number
}

/**
 * A registered check and its results. Probes never multiply calls to the dependency:
 * a check runs single-flight, synchronous or not: probes share the run in progress, and the result
 * of a run that held the event loop (a synchronous check that builds a large result) serves for
 * ten times as long as it held it; a call that outlived its timeout is never joined by another; a
 * result is reused for `cacheTtlMs`; and with `refreshIntervalMs`
 * the check runs on its own timer while probes read the last result.
 */
export class RegisteredCheck {
  last: CheckResult | undefined
  private readonly runs = new SharedRun<CheckResult>()
  // How long the last result is reused for, from what its run cost the event loop.
  private reuseMs = 0
  // The call that timed out and has not returned: a dependency that hangs gets no second call
  // until it answers the first, and probes get the timeout's failure at once meanwhile.
  private hung: Promise<unknown> | undefined
  private timer: NodeJS.Timeout | undefined

  constructor (readonly settings: CheckSettings, private readonly log: FastifyBaseLogger) {}

  /** The current result: cached, shared with a run in progress, or from a new run. */
  result (): CheckResult | Promise<CheckResult> {
    const { last } = this
    if (last !== undefined) {
      if (this.settings.refreshIntervalMs > 0) return this.staleness(last)
      if (Date.now() - last.finishedAt < Math.max(this.settings.cacheTtlMs, this.reuseMs)) return last
      if (this.hung !== undefined) return last
    }
    return this.run()
  }

  /** Starts the background refresh, if the check has one. */
  start (): void {
    if (this.settings.refreshIntervalMs <= 0 || this.timer !== undefined) return
    const tick = (): void => {
      const refreshed = this.hung === undefined ? this.run() : Promise.resolve()
      refreshed.finally(() => { if (this.timer !== undefined) this.timer.refresh() })
    }
    this.timer = setTimeout(tick, this.settings.refreshIntervalMs).unref()
    if (this.last === undefined) this.run()
  }

  stop (): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private run (): Promise<CheckResult> {
    return this.runs.get(() => {
      const { result, returned, busyMs } = runCheck(this.settings.check, this.settings.timeoutMs)
      let pending = true
      returned.then(() => {
        pending = false
        if (this.hung === returned) this.hung = undefined
        const busy = busyMs()
        this.reuseMs = busy > BUSY_THRESHOLD_MS ? busy * REUSE_FACTOR : 0
      })
      return result.then((outcome) => {
        if (pending) this.hung = returned
        this.record(outcome)
        return outcome
      })
    })
  }

  private record (result: CheckResult): void {
    const before = this.last?.status
    this.last = result
    if (before === result.status || (before === undefined && result.status === 'pass')) return
    const fields = { check: this.settings.name, status: result.status, was: before ?? 'unknown', error: result.error }
    if (result.status === 'pass') this.log.info(fields, `health check "${this.settings.name}" passes again`)
    else this.log.warn(fields, `health check "${this.settings.name}" is ${result.status}${result.error === undefined ? '' : `: ${result.error}`}`)
  }

  // A background refresh that stopped producing results must not leave a stale pass forever.
  private staleness (last: CheckResult): CheckResult {
    const age = Date.now() - last.finishedAt
    const limit = this.settings.refreshIntervalMs * 3 + this.settings.timeoutMs
    if (age <= limit || last.status === 'fail') return last
    return { ...last, status: 'fail', error: `no result for ${Math.round(age)} ms (refreshed every ${this.settings.refreshIntervalMs} ms)` }
  }
}
