import type { CheckResult } from '../checks/check-result.js'
import type { RegisteredCheck } from '../checks/registered-check.js'

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy'

export interface CheckReport {
  name: string
  critical: boolean
  result: CheckResult
}

export interface ProbeReport {
  probe: string
  status: HealthStatus
  /** Why the probe failed before or regardless of its checks: starting, shutting down, pressure. */
  reason?: string
  checks: CheckReport[]
  timestamp: string
  durationMs: number
}

/** All pass: healthy. A non-critical check fails or any check warns: degraded. A critical one fails: unhealthy. */
export function aggregate (checks: readonly CheckReport[]): HealthStatus {
  let status: HealthStatus = 'healthy'
  for (const { critical, result } of checks) {
    if (result.status === 'fail' && critical) return 'unhealthy'
    if (result.status !== 'pass') status = 'degraded'
  }
  return status
}

/**
 * Runs the checks in parallel and waits at most `deadlineMs` (what is left of the probe's
 * deadline) for all of them. A check still running then is reported failed; its run goes on and
 * serves the next probe.
 */
export async function runChecks (checks: readonly RegisteredCheck[], deadlineMs: number): Promise<CheckReport[]> {
  if (checks.length === 0) return []
  // Start the runs first: a check timeout equal to the deadline then fires first and says so.
  const running = checks.map((check) => check.result())
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, deadlineMs, undefined) })
  try {
    return await Promise.all(checks.map(async (check, i) => {
      const result = await Promise.race([running[i]!, deadline]) ?? {
        status: 'fail' as const,
        durationMs: Math.round(deadlineMs),
        finishedAt: Date.now(),
        error: 'the probe deadline passed first'
      }
      return { name: check.settings.name, critical: check.settings.critical, result }
    }))
  } finally {
    clearTimeout(timer)
  }
}
