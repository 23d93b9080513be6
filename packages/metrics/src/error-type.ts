// Codes and names become label values: keep the ones that look like identifiers, bounded.
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/

/**
 * The `error_type` of a failure, as OpenTelemetry's `error.type`: the error's code when it has
 * one (`FST_ERR_VALIDATION`, `ECONNREFUSED`), else its name (`TypeError`), else `Error`. Works on
 * anything that was thrown, not only Errors.
 */
export function errorType (error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { code, name } = error as { code?: unknown, name?: unknown }
    if (typeof code === 'string' && IDENTIFIER.test(code)) return code
    if (typeof name === 'string' && IDENTIFIER.test(name)) return name
  }
  return 'Error'
}
