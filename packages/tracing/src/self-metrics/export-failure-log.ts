/** How often, at most, one exporter's failures are written out. */
export const FAILURE_LOG_INTERVAL_MS = 60_000

/** An endpoint as it may be logged: scheme, host and port only (no credentials, no path or query). */
function loggableEndpoint (url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return '(endpoint)'
  }
}

/**
 * Export failures as process warnings (code `OBS_TRACING_EXPORT_FAILED`), at most once per
 * interval per exporter, so that a collector that is down cannot flood stderr. A warning, not a
 * log line: a failing log export must not feed itself. It names the endpoint's origin, the count
 * and the error type, never a header or a response body.
 */
export class ExportFailureLog {
  private readonly lastWarned = new Map<string, number>()

  constructor (private readonly intervalMs = FAILURE_LOG_INTERVAL_MS, private readonly now: () => number = Date.now) {}

  report (componentType: string, metric: string, what: string, count: number, errorType: string, endpoint: string): void {
    const now = this.now()
    const last = this.lastWarned.get(componentType)
    if (last !== undefined && now - last < this.intervalMs) return
    this.lastWarned.set(componentType, now)
    process.emitWarning(
      `${componentType}: the export of ${count} ${what} to ${loggableEndpoint(endpoint)} failed (error_type "${errorType}"). ` +
      `Failures are counted in ${metric}; this warning is repeated at most every ${Math.round(this.intervalMs / 1000)} s.`,
      { code: 'OBS_TRACING_EXPORT_FAILED' })
  }
}
