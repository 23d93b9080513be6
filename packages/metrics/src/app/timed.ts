import { errorType } from '@obs/core'
import type { FastifyBaseLogger } from 'fastify'
import type { AppMetrics } from './app-metrics.js'
import { DEFAULT_DURATION_BUCKETS } from '../buckets.js'
import { InvalidOptionError } from '../errors.js'
import { finishWhenSettled } from './settle.js'

/** Token usage read from a result, as the timing wrapper's `tokens` option returns it. */
export interface TokenUsage {
  /** `gen_ai.request.model`, e.g. `gpt-4o-mini`. */
  model: string
  /** `gen_ai.response.model`, the model that answered, when the provider says. */
  responseModel?: string
  /** `gen_ai.provider.name`, e.g. `openai`, `anthropic`; `unknown` when left out. */
  provider?: string
  /** `gen_ai.operation.name`: `chat` (default), `text_completion`, `embeddings`, … */
  operation?: string
  /** All input tokens, cached ones included (`gen_ai_token_type="input"`). */
  inputTokens?: number
  outputTokens?: number
  /** Input tokens served from the provider's cache (`cache_read`), part of `inputTokens`. */
  cacheReadTokens?: number
  /** Input tokens written to the provider's cache (`cache_creation`), part of `inputTokens`. */
  cacheCreationTokens?: number
  /** Output tokens spent on reasoning (`reasoning`), part of `outputTokens`. */
  reasoningTokens?: number
  costUsd?: number
}

export interface TimedOptions<R> {
  /** Reads token usage from the (awaited) result; it is recorded in the GenAI token metrics. */
  tokens?: (result: Awaited<R>) => TokenUsage | undefined
}

export type Timed = <A extends unknown[], R>(operation: string, fn: (...args: A) => R, options?: TimedOptions<R>) => (...args: A) => R

/**
 * The timing wrapper: `timed('search', fn)` returns a function that behaves as `fn` and records
 * its duration by outcome, its errors by type, how many calls are in flight and, optionally,
 * the token usage found in its result.
 */
export function createTimed (metrics: AppMetrics, recordTokens: (usage: TokenUsage) => void, log: FastifyBaseLogger): Timed {
  const duration = metrics.histogram({
    name: 'operation_duration_seconds',
    help: 'Duration of timed operations in seconds, by operation and outcome (success or error).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [...DEFAULT_DURATION_BUCKETS]
  })
  const errors = metrics.counter({
    name: 'operation_errors_total',
    help: 'Failed timed operations, by operation and error type.',
    labelNames: ['operation', 'error_type'] as const
  })
  const inFlight = metrics.gauge({
    name: 'operations_in_flight',
    help: 'Timed operations running now.',
    labelNames: ['operation'] as const
  })

  return function timed<A extends unknown[], R> (operation: string, fn: (...args: A) => R, options: TimedOptions<R> = {}) {
    if (typeof operation !== 'string' || operation === '') throw new InvalidOptionError('timed.operation', 'expected a non-empty string')
    if (typeof fn !== 'function') throw new InvalidOptionError('timed.fn', 'expected a function')
    const readTokens = options.tokens
    const succeeded = duration.labels({ operation, outcome: 'success' })
    const failed = duration.labels({ operation, outcome: 'error' })
    const running = inFlight.labels({ operation })

    return function (this: unknown, ...args: A): R {
      const started = performance.now()
      running.inc()
      return finishWhenSettled(() => fn.apply(this, args), (error, value) => {
        running.dec()
        const seconds = (performance.now() - started) / 1000
        if (error !== undefined) {
          failed.observe(seconds)
          errors.inc({ operation, error_type: errorType(error) })
          return
        }
        succeeded.observe(seconds)
        if (readTokens === undefined) return
        try {
          const usage = readTokens(value as Awaited<R>)
          if (usage !== undefined) recordTokens(usage)
        } catch (readError) {
          // A reader that fails on an odd result must not fail the call it measures.
          log.warn({ err: readError, operation }, '@obs/metrics: the tokens reader of a timed operation threw')
        }
      })
    }
  }
}
