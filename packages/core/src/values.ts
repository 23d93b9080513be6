// The predicates option validation uses everywhere. Each package throws its own coded error
// with the option's name; these only say whether a value fits.

/** A finite number above 0. */
export function isPositiveNumber (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}

/** A finite number, 0 or more. */
export function isNonNegativeNumber (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

/** A whole number of at least `min` (1 by default). */
export function isIntegerAtLeast (value: unknown, min = 1): value is number {
  return Number.isInteger(value) && (value as number) >= min
}

/** A string that parses as an absolute `http:` or `https:` URL. */
export function isHttpUrl (value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    const { protocol } = new URL(value)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}
