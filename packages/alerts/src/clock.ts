/**
 * The plugin's one clock: what time it is (`now`, the `now` option), and the timers that wait
 * on it (retry backoff, Alertmanager re-sends). Injected, so that tests drive time.
 */
export interface Clock {
  now (): number
  setTimeout (fn: () => void, ms: number): { unref?: () => unknown }
  clearTimeout (timer: unknown): void
  /** For jitter. */
  random (): number
}

/** Real timers around a `now` (default `Date.now`). */
export function systemClock (now: () => number = Date.now): Clock {
  return {
    now,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
    random: Math.random
  }
}
