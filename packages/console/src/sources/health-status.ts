import type { ObsHealth } from '@obs/health'

/** One check as the overview shows it: its last result in the probes that run it. */
export interface CheckStatus {
  name: string
  probes: string[]
  critical: boolean
  status: 'pass' | 'warn' | 'fail'
  durationMs: number
  error?: string
}

export interface HealthStatus {
  probes: Array<{ probe: string, status: string, reason?: string }>
  checks: CheckStatus[]
}

const PROBES = ['live', 'ready', 'startup'] as const

/**
 * Runs the three probes as their routes would (checks share runs in progress, and background
 * checks answer from their last result) and lists each check once.
 */
export async function readHealth (health: ObsHealth): Promise<HealthStatus> {
  const reports = await Promise.all(PROBES.map((probe) => health.probe(probe)))
  const checks = new Map<string, CheckStatus>()
  for (const report of reports) {
    for (const { name, critical, result } of report.checks) {
      const known = checks.get(name)
      if (known !== undefined) {
        known.probes.push(report.probe)
        continue
      }
      checks.set(name, {
        name,
        probes: [report.probe],
        critical,
        status: result.status,
        durationMs: result.durationMs,
        ...(result.error === undefined ? {} : { error: result.error })
      })
    }
  }
  return {
    probes: reports.map((r) => ({ probe: r.probe, status: r.status, ...(r.reason === undefined ? {} : { reason: r.reason }) })),
    checks: [...checks.values()]
  }
}
