import type { CheckFunction } from '../check-result.js'

/**
 * A client you already have: `pingCheck(() => pool.query('select 1'))`, `pingCheck(() => redis.ping())`.
 * Passes when the call returns or resolves (to anything but `false`), fails when it throws or rejects.
 */
export function pingCheck (ping: (signal: AbortSignal) => unknown): CheckFunction {
  return async ({ signal }) => (await ping(signal)) !== false
}
