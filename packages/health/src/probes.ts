import type { CheckRegistry } from './check-registry.js'
import { aggregate, type CheckReport, type HealthStatus, type ProbeReport, runChecks } from './probe-report.js'
import type { Probe } from './registered-check.js'

/** Where the app is in its life, as the probes see it. */
export interface Lifecycle {
  /** Fastify's onReady has run. */
  ready: boolean
  /** The startup probe has passed once; it stays passed. */
  started: boolean
  /** Set when the startup deadline passed before startup succeeded. */
  startupFailed: string | undefined
  /** Shutting down: readiness fails while the rest keeps serving. */
  draining: boolean
}

/**
 * Answers the three probes. Liveness looks at the process only (and at whatever the user put
 * there); startup waits for onReady and the startup checks; readiness needs startup, no
 * shutdown, no pressure, and its checks.
 */
export class ProbeEvaluator {
  constructor (
    private readonly checks: CheckRegistry,
    private readonly lifecycle: Lifecycle,
    private readonly deadlineMs: number,
    private readonly pressure: () => string | undefined
  ) {}

  async evaluate (probe: Probe): Promise<ProbeReport> {
    const started = performance.now()
    // One deadline for the whole probe, whatever runs in it (readiness may run startup first).
    const { status, reason, checks } = await this.decide(probe, started + this.deadlineMs)
    return {
      probe,
      status,
      ...(reason === undefined ? {} : { reason }),
      checks,
      timestamp: new Date().toISOString(),
      durationMs: Math.round((performance.now() - started) * 1000) / 1000
    }
  }

  /** Runs the startup checks if startup has not passed yet; true once it has. */
  async tryStartup (): Promise<boolean> {
    await this.startup(performance.now() + this.deadlineMs)
    return this.lifecycle.started
  }

  private async decide (probe: Probe, deadline: number): Promise<{ status: HealthStatus, reason?: string, checks: CheckReport[] }> {
    if (probe === 'live') return this.run('live', deadline)
    if (probe === 'startup') return this.startup(deadline)
    if (this.lifecycle.draining) return { status: 'unhealthy', reason: 'shutting down', checks: [] }
    if (!this.lifecycle.started) {
      const startup = await this.startup(deadline)
      if (!this.lifecycle.started) return { status: 'unhealthy', reason: `not started: ${startup.reason ?? 'startup checks fail'}`, checks: startup.checks }
    }
    const pressure = this.pressure()
    if (pressure !== undefined) return { status: 'unhealthy', reason: `under pressure: ${pressure}`, checks: [] }
    return this.run('ready', deadline)
  }

  private async startup (deadline: number): Promise<{ status: HealthStatus, reason?: string, checks: CheckReport[] }> {
    const { lifecycle } = this
    if (lifecycle.started) return { status: 'healthy', checks: [] }
    if (lifecycle.startupFailed !== undefined) return { status: 'unhealthy', reason: lifecycle.startupFailed, checks: [] }
    if (!lifecycle.ready) return { status: 'unhealthy', reason: 'the app is not ready yet', checks: [] }
    const result = await this.run('startup', deadline)
    if (result.status !== 'unhealthy' && lifecycle.startupFailed === undefined) lifecycle.started = true
    return result
  }

  private async run (probe: Probe, deadline: number): Promise<{ status: HealthStatus, checks: CheckReport[] }> {
    const checks = await runChecks(this.checks.forProbe(probe), Math.max(0, deadline - performance.now()))
    return { status: aggregate(checks), checks }
  }
}
