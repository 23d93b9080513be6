import type { CheckRegistry } from '../checks/check-registry.js'
import type { CheckResult } from '../checks/check-result.js'
import type { Probe } from '../checks/registered-check.js'
import { SharedRun } from '../checks/shared-run.js'
import { UnknownCheckError } from '../errors.js'
import type { Lifecycle } from '../lifecycle.js'
import { aggregate, type CheckReport, type HealthStatus, type ProbeReport, runChecks } from './probe-report.js'

const PROBES: readonly Probe[] = ['live', 'ready', 'startup']
const COMPONENT_STATUS: Readonly<Record<CheckResult['status'], HealthStatus>> = { pass: 'healthy', warn: 'degraded', fail: 'unhealthy' }

/**
 * Answers the three probes. Liveness looks at the process only (and at whatever the user put
 * there); startup waits for onReady and the startup checks; readiness needs startup, no
 * shutdown, no pressure, and its checks. What the lifecycle decides is decided per probe; the
 * checks of a probe run in one evaluation that every probe arriving meanwhile shares, so that a
 * storm of probes holds one report, not one each.
 */
export class ProbeEvaluator {
  private readonly evaluations = new Map<Probe, SharedRun<ProbeReport>>(PROBES.map((probe) => [probe, new SharedRun()]))
  private readonly lastReports = new Map<Probe, ProbeReport>()
  // The report of one check's result, made once per result: every probe of that component then
  // answers with the same report, and so with the same rendered body.
  private readonly componentReports = new WeakMap<CheckResult, Map<Probe, ProbeReport>>()

  constructor (
    private readonly checks: CheckRegistry,
    private readonly lifecycle: Lifecycle,
    private readonly deadlineMs: number,
    private readonly pressure: () => string | undefined
  ) {}

  /** One probe; one deadline for all of it, whatever runs in it (readiness may run startup first). */
  evaluate (probe: Probe): Promise<ProbeReport> {
    const deadline = performance.now() + this.deadlineMs
    if (probe === 'live') return this.evaluation('live', deadline)
    if (probe === 'startup') return this.startup(deadline)
    return this.ready(deadline)
  }

  /** One check of a probe, as its own component: pass is healthy, warn degraded, fail unhealthy. */
  async component (probe: Probe, name: string): Promise<ProbeReport> {
    const check = this.checks.forProbe(probe).find((candidate) => candidate.settings.name === name)
    if (check === undefined) throw new UnknownCheckError(name, probe)
    const started = performance.now()
    const [entry] = await runChecks([check], this.deadlineMs)
    const { result } = entry!
    let reports = this.componentReports.get(result)
    if (reports === undefined) {
      reports = new Map()
      this.componentReports.set(result, reports)
    }
    let report = reports.get(probe)
    if (report === undefined) {
      report = finished(probe, started, { status: COMPONENT_STATUS[result.status], checks: [entry!] })
      reports.set(probe, report)
    }
    return report
  }

  /** Runs the startup checks if startup has not passed yet; true once it has. */
  async tryStartup (): Promise<boolean> {
    await this.startup(performance.now() + this.deadlineMs)
    return this.lifecycle.started
  }

  private async ready (deadline: number): Promise<ProbeReport> {
    const started = deadline - this.deadlineMs
    if (this.lifecycle.draining) return finished('ready', started, { status: 'unhealthy', reason: 'shutting down', checks: [] })
    if (!this.lifecycle.started) {
      const startup = await this.startup(deadline)
      if (!this.lifecycle.started) {
        return finished('ready', started, { status: 'unhealthy', reason: `not started: ${startup.reason ?? 'startup checks fail'}`, checks: startup.checks })
      }
    }
    const pressure = this.pressure()
    if (pressure !== undefined) return finished('ready', started, { status: 'unhealthy', reason: `under pressure: ${pressure}`, checks: [] })
    return this.evaluation('ready', deadline)
  }

  private async startup (deadline: number): Promise<ProbeReport> {
    const { lifecycle } = this
    const started = deadline - this.deadlineMs
    if (lifecycle.started) return finished('startup', started, { status: 'healthy', checks: [] })
    if (lifecycle.startupFailed !== undefined) return finished('startup', started, { status: 'unhealthy', reason: lifecycle.startupFailed, checks: [] })
    if (!lifecycle.ready) return finished('startup', started, { status: 'unhealthy', reason: 'the app is not ready yet', checks: [] })
    const report = await this.evaluation('startup', deadline)
    if (report.status !== 'unhealthy') lifecycle.markStarted()
    return report
  }

  /** The checks of `probe`, in the evaluation in progress or a new one. */
  private evaluation (probe: Probe, deadline: number): Promise<ProbeReport> {
    return this.evaluations.get(probe)!.get(async () => {
      const started = performance.now()
      const checks = await runChecks(this.checks.forProbe(probe), Math.max(0, deadline - started))
      // The same results as the last report (cached, refreshed in the background, or a hung
      // call's failure): that report, and so its rendered body, serves again.
      const last = this.lastReports.get(probe)
      if (last !== undefined && sameResults(last.checks, checks)) return last
      const report = finished(probe, started, { status: aggregate(checks), checks })
      this.lastReports.set(probe, report)
      return report
    })
  }
}

function sameResults (a: readonly CheckReport[], b: readonly CheckReport[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.result === b[i]!.result)
}

function finished (probe: Probe, started: number, outcome: { status: HealthStatus, reason?: string, checks: CheckReport[] }): ProbeReport {
  return {
    probe,
    status: outcome.status,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    checks: outcome.checks,
    timestamp: new Date().toISOString(),
    durationMs: Math.round((performance.now() - started) * 1000) / 1000
  }
}
