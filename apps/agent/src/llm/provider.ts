/** What the agent asks a model. */
export interface CompletionRequest {
  model: string
  /** `chat` for answers, as the GenAI conventions name the operation. */
  operation: 'chat'
  system: string
  prompt: string
}

export interface CompletionResult {
  text: string
  /** The model that answered (`gen_ai.response.model`). */
  model: string
  /** Token counts; the cache and reasoning ones only where the model reports them (parts of input and output). */
  usage: { inputTokens: number, outputTokens: number, cacheReadTokens?: number, cacheCreationTokens?: number, reasoningTokens?: number }
  costUsd: number
  /** Tools the model asks to run, with their input. */
  toolCalls: Array<{ tool: string, input: string }>
}

/**
 * A model provider. The demo ships a simulated one; a real provider (OpenAI, Anthropic, a local
 * model) implements the same two methods. Errors should carry a `code` (`RATE_LIMITED`,
 * `UPSTREAM_TIMEOUT`, …): it becomes the `error_type` of the metrics.
 */
export interface LlmProvider {
  /** `gen_ai.provider.name`. */
  readonly name: string
  complete (request: CompletionRequest, signal: AbortSignal): Promise<CompletionResult>
  /** Cheap reachability check for the health probe. */
  ping (signal: AbortSignal): Promise<void>
}

/** An error from a provider, with the code the metrics and logs use. */
export class ProviderError extends Error {
  constructor (readonly code: string, message: string, readonly retryable: boolean) {
    super(message)
    this.name = 'ProviderError'
  }
}
