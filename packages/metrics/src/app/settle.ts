import { isThenable } from '@obs/core'

/**
 * Runs `run` and calls `finish` once it has settled: at once for a sync result or throw, when
 * the promise settles for a thenable. `finish` gets the error, or undefined and the value.
 * The caller sees the same value, the same error and, for async functions, a promise.
 */
export function finishWhenSettled<R> (run: () => R, finish: (error: unknown, value?: unknown) => void): R {
  let result: R
  try {
    result = run()
  } catch (error) {
    finish(error ?? new Error('a falsy value was thrown'))
    throw error
  }
  if (isThenable(result)) {
    return result.then((value) => {
      finish(undefined, value)
      return value
    }, (error: unknown) => {
      finish(error ?? new Error('a falsy value was thrown'))
      throw error
    }) as R
  }
  finish(undefined, result)
  return result
}
