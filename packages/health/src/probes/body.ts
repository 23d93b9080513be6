import type { CheckReport, HealthStatus, ProbeReport } from './probe-report.js'

export interface BodyMeta {
  version: string
  uptimeSeconds: number
}

/** Our JSON body: the status, and with details each check's status, duration and details or error. */
export function jsonBody (report: ProbeReport, showDetails: boolean, meta: BodyMeta): Record<string, unknown> {
  if (!showDetails) return { status: report.status }
  const checks: Record<string, unknown> = {}
  for (const { name, critical, result } of report.checks) {
    checks[name] = {
      status: result.status,
      critical,
      durationMs: result.durationMs,
      ...(result.details === undefined ? {} : { details: result.details }),
      ...(result.error === undefined ? {} : { error: result.error })
    }
  }
  return {
    status: report.status,
    probe: report.probe,
    ...(report.reason === undefined ? {} : { reason: report.reason }),
    timestamp: report.timestamp,
    durationMs: report.durationMs,
    version: meta.version,
    uptimeSeconds: meta.uptimeSeconds,
    checks
  }
}

const IETF_STATUS: Readonly<Record<HealthStatus, string>> = { healthy: 'pass', degraded: 'warn', unhealthy: 'fail' }

/**
 * The IETF health check response format (draft-inadarei-api-health-check), served as
 * `application/health+json`: pass/warn/fail, and `checks` keyed `component:measurement`.
 */
export function healthJsonBody (report: ProbeReport, showDetails: boolean, meta: BodyMeta): Record<string, unknown> {
  const status = IETF_STATUS[report.status]
  if (!showDetails) return { status }
  const checks: Record<string, unknown[]> = {}
  for (const check of report.checks) checks[checkKey(check)] = [checkEntry(check)]
  return {
    status,
    version: meta.version,
    description: `${report.probe} probe`,
    ...(report.reason === undefined ? {} : { output: report.reason }),
    notes: [`uptime ${Math.round(meta.uptimeSeconds)} s`],
    checks
  }
}

function checkKey ({ name, result }: CheckReport): string {
  return `${name}:${result.measurement ?? 'responseTime'}`
}

function checkEntry ({ name, result }: CheckReport): Record<string, unknown> {
  const measured = result.observedValue !== undefined
  return {
    componentId: name,
    status: result.status,
    observedValue: measured ? result.observedValue : result.durationMs,
    observedUnit: measured ? (result.observedUnit ?? '') : 'ms',
    time: new Date(result.finishedAt).toISOString(),
    ...(result.error === undefined ? {} : { output: result.error })
  }
}

/** `application/health+json` when the Accept header names it. */
export function wantsHealthJson (accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.toLowerCase().includes('application/health+json')
}
