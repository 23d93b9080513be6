import { isThenable } from '@obs/core'
import type { CheckFunction, CheckOutcome, CheckResult } from './check-result.js'

const MAX_ERROR_LENGTH = 500

export interface CheckRun {
  /** The result, within `timeoutMs`; never rejects. */
  readonly result: Promise<CheckResult>
  /** Settles when the check function itself does, which after a timeout may be later, or never. */
  readonly returned: Promise<unknown>
  /**
   * How long the run held the event loop, in ms, once `returned` settled: a synchronous check's
   * call, and the reading of what a check returned (its details as JSON). The synchronous start of
   * an async check is not counted: it is mostly setting up I/O (a first `fetch` loads undici).
   */
  readonly busyMs: () => number
}

/**
 * Runs a check once, bounded by `timeoutMs`. Whatever the check does — returns, throws anything
 * (not only Errors), rejects, or never settles — its result comes and never rejects. On timeout
 * the check's signal is aborted so it can let go of what it holds.
 */
export function runCheck (check: CheckFunction, timeoutMs: number): CheckRun {
  const started = performance.now()
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined

  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      const error = `timed out after ${timeoutMs} ms`
      controller.abort(new Error(error))
      resolve(result(started, { status: 'fail', error }))
    }, timeoutMs)
  })
  let busyMs = 0
  const ran = (async (): Promise<CheckResult> => {
    try {
      let from = performance.now()
      let outcome = check({ signal: controller.signal })
      if (isThenable(outcome)) {
        outcome = await outcome
        from = performance.now()
      }
      const interpreted = interpret(outcome as CheckOutcome)
      busyMs = performance.now() - from
      return result(started, interpreted)
    } catch (error) {
      return result(started, { status: 'fail', error: describeError(error) })
    }
  })()

  return { result: Promise.race([ran, timedOut]).finally(() => clearTimeout(timer)), returned: ran, busyMs: () => busyMs }
}

function result (started: number, outcome: Omit<CheckResult, 'durationMs' | 'finishedAt'>): CheckResult {
  return { ...outcome, durationMs: Math.round((performance.now() - started) * 1000) / 1000, finishedAt: Date.now() }
}

function interpret (outcome: CheckOutcome): Omit<CheckResult, 'durationMs' | 'finishedAt'> {
  if (outcome === false) return { status: 'fail', error: 'the check returned false' }
  if (outcome === null || typeof outcome !== 'object') return { status: 'pass' }
  const status = outcome.status === 'warn' || outcome.status === 'fail' ? outcome.status : 'pass'
  // The body is JSON: details that cannot be written (a BigInt, a cycle) fail the check here
  // rather than the probe later.
  if (outcome.details !== undefined) {
    try {
      JSON.stringify(outcome.details)
    } catch (error) {
      return { status: 'fail', error: `the check's details cannot be written as JSON: ${describeError(error)}` }
    }
  }
  return {
    status,
    ...(outcome.details === undefined ? {} : { details: outcome.details }),
    ...(typeof outcome.observedValue === 'number' ? { observedValue: outcome.observedValue } : {}),
    ...(typeof outcome.observedUnit === 'string' ? { observedUnit: outcome.observedUnit } : {}),
    ...(typeof outcome.measurement === 'string' ? { measurement: outcome.measurement } : {}),
    ...(status === 'fail' ? { error: 'the check reported fail' } : {})
  }
}

/** A one-line reason for anything that was thrown, bounded, and never throwing itself. */
export function describeError (error: unknown): string {
  let text: string
  try {
    if (error instanceof Error) {
      text = describeErrorObject(error)
      // fetch says only "fetch failed": the reason (ECONNREFUSED, a TLS error) is its cause.
      if (error.cause instanceof Error) text += ` (cause: ${describeErrorObject(error.cause)})`
    } else if (typeof error === 'symbol') {
      text = `thrown: ${error.toString()}`
    } else {
      text = `thrown: ${typeof error === 'object' && error !== null ? JSON.stringify(error) : String(error)}`
    }
  } catch {
    text = `thrown: a value that cannot be described (${typeof error})`
  }
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text
}

function describeErrorObject (error: Error): string {
  const code = (error as { code?: unknown }).code
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`
}
