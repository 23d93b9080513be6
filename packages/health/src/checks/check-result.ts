/** pass, warn (works, but something is off) or fail, as the IETF health check draft names them. */
export type CheckStatus = 'pass' | 'warn' | 'fail'

/** What a check function may return: nothing or true (pass), false (fail), or a detailed result. */
export type CheckOutcome = void | undefined | null | boolean | {
  status?: CheckStatus
  /** Shown in the probe body when details are exposed. */
  details?: Record<string, unknown>
  /** For `application/health+json`: the measurement this check reports, e.g. `depth`. */
  observedValue?: number
  observedUnit?: string
  measurement?: string
}

export interface CheckContext {
  /** Aborted when the check times out: pass it to fetch, sockets, clients. */
  signal: AbortSignal
}

export type CheckFunction = (context: CheckContext) => CheckOutcome | Promise<CheckOutcome>

/** The result of one run of a check. */
export interface CheckResult {
  status: CheckStatus
  durationMs: number
  /** When the run finished, ms since the epoch. */
  finishedAt: number
  details?: Record<string, unknown>
  error?: string
  observedValue?: number
  observedUnit?: string
  measurement?: string
}
