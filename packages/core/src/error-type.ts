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
