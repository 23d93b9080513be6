import { type CheckFunction, type QueueDepthOptions, queueDepthCheck } from '@obs/health'

export interface TaskQueueCheckOptions extends QueueDepthOptions {
  /** Reads the number of tasks in the dead-letter queue. */
  deadLetters: () => number
  /** From this many dead letters the check warns: failures are piling up for people to look at. */
  deadLetterWarnAt: number
}

/**
 * The task queue's health: its backlog (pass, warn, fail as `queueDepthCheck`), and a warning
 * when the dead-letter queue holds `deadLetterWarnAt` tasks or more. Dead letters never fail the
 * check: the service still serves, and readiness must not take it out for past failures.
 */
export function taskQueueCheck (options: TaskQueueCheckOptions): CheckFunction {
  const backlog = queueDepthCheck(options)
  return async (context) => {
    const result = await backlog(context) as Exclude<Awaited<ReturnType<CheckFunction>>, boolean | null | undefined | void>
    const deadLetters = options.deadLetters()
    const piling = deadLetters >= options.deadLetterWarnAt
    return {
      ...result,
      status: result.status === 'pass' && piling ? 'warn' : result.status,
      details: { ...result.details, deadLetters, deadLetterWarnAt: options.deadLetterWarnAt }
    }
  }
}
