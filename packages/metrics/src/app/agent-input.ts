import { InvalidOptionError } from '../errors.js'

/**
 * Checks of what an application hands the agent metrics. A call that is not what the type says
 * (no model, a duration that is not a number) is a bug at the call site: it gets a coded error
 * there rather than a series with a label of `undefined`. Token counts are softer: a provider
 * that reports none, or nonsense, leaves them out and the call is still recorded.
 */

export function assertRecord (value: unknown, what: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') throw new InvalidOptionError(what, 'expected an object')
}

export function requiredName (value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidOptionError(what, 'expected a non-empty string')
  return value
}

/** An optional label value: a non-empty string, or left out. */
export function optionalName (value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined
  return requiredName(value, what)
}

export function duration (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(what, `expected a finite number of seconds >= 0, got ${String(value)}`)
  }
  return value
}

/** A count to record: finite and not negative; anything else is not recorded. */
export function isCount (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
