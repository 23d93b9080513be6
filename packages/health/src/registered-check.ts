import type { FastifyBaseLogger } from 'fastify'
import type { CheckFunction, CheckResult } from './check-result.js'
import { runCheck } from './run-check.js'

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
 * concurrent probes share the run in progress, a result is reused for `cacheTtlMs`, and with
 * `refreshIntervalMs` the check runs on its own timer while probes read the last result.
 */
export class RegisteredCheck {
  last: CheckResult | undefined
  private running: Promise<CheckResult> | undefined
  private timer: NodeJS.Timeout | undefined

  constructor (readonly settings: CheckSettings, private readonly log: FastifyBaseLogger) {}

  /** The current result: cached, shared with a run in progress, or from a new run. */
  result (): CheckResult | Promise<CheckResult> {
    const { last } = this
    if (last !== undefined) {
      if (this.settings.refreshIntervalMs > 0) return this.staleness(last)
      if (Date.now() - last.finishedAt < this.settings.cacheTtlMs) return last
    }
    return this.running ?? this.run()
  }

  /** Starts the background refresh, if the check has one. */
  start (): void {
    if (this.settings.refreshIntervalMs <= 0 || this.timer !== undefined) return
    const tick = (): void => {
      this.run().finally(() => { if (this.timer !== undefined) this.timer.refresh() })
    }
    this.timer = setTimeout(tick, this.settings.refreshIntervalMs).unref()
    if (this.last === undefined) this.run()
  }

  stop (): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private run (): Promise<CheckResult> {
    if (this.running !== undefined) return this.running
    const running = runCheck(this.settings.check, this.settings.timeoutMs).then((result) => {
      this.record(result)
      return result
    })
    this.running = running
    running.finally(() => { if (this.running === running) this.running = undefined })
    return running
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
