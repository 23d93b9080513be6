import type { Span } from '@opentelemetry/api'
import { GEN_AI } from './attributes.js'

/** Token counts as a provider reports them; each one that is a count becomes its attribute. */
export interface GenAiUsage {
  /** All input tokens, cached ones included. */
  inputTokens?: number
  /** All output tokens, reasoning ones included. */
  outputTokens?: number
  cacheReadInputTokens?: number
  cacheCreationInputTokens?: number
  reasoningOutputTokens?: number
}

/** What the model answered with, besides its text. */
export interface GenAiResponse {
  /** `gen_ai.response.model`: the model that answered. */
  model?: string
  /** `gen_ai.response.id`. */
  id?: string
  /** `gen_ai.response.finish_reasons`, e.g. `['stop']`. */
  finishReasons?: readonly string[]
}

const USAGE_ATTRIBUTES = [
  ['inputTokens', GEN_AI.USAGE_INPUT_TOKENS],
  ['outputTokens', GEN_AI.USAGE_OUTPUT_TOKENS],
  ['cacheReadInputTokens', GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS],
  ['cacheCreationInputTokens', GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS],
  ['reasoningOutputTokens', GEN_AI.USAGE_REASONING_OUTPUT_TOKENS]
] as const

/**
 * Sets the token-usage attributes on a span (`gen_ai.usage.*`). A count that is not a
 * non-negative integer (a provider's nonsense) is left out rather than recorded wrong.
 */
export function setGenAiUsage (span: Span, usage: GenAiUsage | undefined): void {
  if (usage === null || typeof usage !== 'object') return
  for (const [field, attribute] of USAGE_ATTRIBUTES) {
    const count = usage[field]
    if (Number.isSafeInteger(count) && (count as number) >= 0) span.setAttribute(attribute, count as number)
  }
}

/** Sets `gen_ai.response.*` on a span from what is known of the response. */
export function setGenAiResponse (span: Span, response: GenAiResponse | undefined): void {
  if (response === null || typeof response !== 'object') return
  if (typeof response.model === 'string' && response.model !== '') span.setAttribute(GEN_AI.RESPONSE_MODEL, response.model)
  if (typeof response.id === 'string' && response.id !== '') span.setAttribute(GEN_AI.RESPONSE_ID, response.id)
  if (Array.isArray(response.finishReasons)) {
    const reasons = response.finishReasons.filter((reason): reason is string => typeof reason === 'string')
    span.setAttribute(GEN_AI.RESPONSE_FINISH_REASONS, reasons)
  }
}
