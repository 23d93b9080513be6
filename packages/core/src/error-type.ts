// Codes and names become label values and span attributes: identifier-like ones only, bounded.
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/

/**
 * The `error.type` of a failure, as OpenTelemetry names it (`error_type` in Prometheus): the
 * error's code when it has one (`FST_ERR_VALIDATION`, `ECONNREFUSED`), else its name
 * (`TypeError`), else `Error`. Works on anything that was thrown, not only Errors, and never
 * throws itself, whatever the value (getters that throw, proxies, revoked proxies).
 */
export function errorType (error: unknown): string {
  try {
    if (error !== null && typeof error === 'object') {
      const { code, name } = error as { code?: unknown, name?: unknown }
      if (typeof code === 'string' && IDENTIFIER.test(code)) return code
      if (typeof name === 'string' && IDENTIFIER.test(name)) return name
    }
  } catch {}
  return 'Error'
}

/** gRPC status codes by number, as grpc-js and the gRPC specification name them. */
const GRPC_STATUS = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'
]

/**
 * The `error.type` of a failed export to a collector (spans, log records, metric points): the
 * HTTP status (`"503"`) of one that refused over HTTP, the gRPC status by name (`UNAVAILABLE`)
 * over gRPC, the code of the socket error behind the failure (`ECONNREFUSED`), else `errorType`.
 * Every signal labels the same failure the same way.
 */
export function exportErrorType (error: unknown, grpc: boolean): string {
  if (error === undefined) return 'export_failed'
  try {
    const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined
    if (typeof code === 'number' && Number.isInteger(code)) return grpc ? GRPC_STATUS[code] ?? String(code) : String(code)
    const cause = error !== null && typeof error === 'object' ? (error as { cause?: unknown }).cause : undefined
    if (typeof code !== 'string' && cause !== undefined) return errorType(cause)
  } catch {}
  return errorType(error)
}
