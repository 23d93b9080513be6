import { InvalidBucketsError } from './errors.js'

/** Request duration in seconds: 5 ms for fast JSON routes up to 2 min for slow LLM calls. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze(
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120])

/** Request and response body size in bytes. */
export const DEFAULT_SIZE_BUCKETS: readonly number[] = Object.freeze(
  [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000])

/** OpenTelemetry GenAI semantic conventions' advice for gen_ai.client.token.usage. */
export const GEN_AI_TOKEN_BUCKETS: readonly number[] = Object.freeze(
  [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864])

/** OpenTelemetry GenAI semantic conventions' advice for gen_ai.client.operation.duration. */
export const GEN_AI_DURATION_BUCKETS: readonly number[] = Object.freeze(
  [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92])

/** The GenAI conventions' advice for gen_ai.execute_tool.duration: the operation buckets, 0.01 to 81.92 s. */
export const GEN_AI_TOOL_DURATION_BUCKETS: readonly number[] = GEN_AI_DURATION_BUCKETS

/** The GenAI conventions' advice for gen_ai.invoke_agent.duration: 0.1 to 409.6 s, doubling. */
export const GEN_AI_AGENT_DURATION_BUCKETS: readonly number[] = Object.freeze(
  [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6])

/** Scores in [0, 1], as a critic or evaluator gives them. */
export const SCORE_BUCKETS: readonly number[] = Object.freeze(
  [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1])

/**
 * Returns a frozen copy of finite, strictly increasing upper bounds. A trailing +Inf is dropped
 * because every histogram gets one anyway.
 */
export function validateBuckets (buckets: unknown, owner: string): readonly number[] {
  if (!Array.isArray(buckets)) throw new InvalidBucketsError(owner, 'expected an array of numbers')
  const bounds = buckets[buckets.length - 1] === Infinity ? buckets.slice(0, -1) : buckets.slice()
  if (bounds.length === 0) throw new InvalidBucketsError(owner, 'expected at least one finite upper bound')
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i]
    if (typeof b !== 'number' || !Number.isFinite(b)) {
      throw new InvalidBucketsError(owner, `bucket ${i} is ${String(b)}, expected a finite number`)
    }
    if (i > 0 && b <= bounds[i - 1]) {
      throw new InvalidBucketsError(owner, `buckets must be strictly increasing (${bounds[i - 1]} then ${b})`)
    }
  }
  return Object.freeze(bounds as number[])
}
