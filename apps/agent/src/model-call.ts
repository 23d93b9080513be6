import type { AgentMetrics } from '@obs/metrics'
import { setGenAiResponse, setGenAiUsage, withChatSpan } from '@obs/tracing'
import { type CompletionRequest, type CompletionResult, type LlmProvider, ProviderError } from './llm/provider.js'
import type { ServiceMetrics } from './service-metrics.js'

export interface ModelCallDeps {
  provider: LlmProvider
  agent: AgentMetrics
  service: ServiceMetrics
  /** How long one model call may take before it is abandoned. */
  llmTimeoutMs: number
}

/**
 * A model call on behalf of one of the agents (`answerer`, `critic`), measured with the GenAI
 * metrics and by agent, with one retry for a retryable provider error (a rate limit, a
 * timeout), as clients usually do. Each attempt is a `chat {model}` span of the GenAI conventions.
 */
export async function callModel (agentName: string, request: CompletionRequest, deps: ModelCallDeps): Promise<CompletionResult> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now()
    const signal = AbortSignal.timeout(deps.llmTimeoutMs)
    try {
      const result = await withChatSpan({ model: request.model, provider: deps.provider.name, operation: request.operation }, async (span) => {
        // What an abandoned call throws depends on the provider (an AbortError, a TimeoutError…):
        // the signal says what happened, and the span and the metrics both say it.
        const answer = await deps.provider.complete(request, signal).catch((thrown: unknown) => {
          throw signal.aborted ? new ProviderError('UPSTREAM_TIMEOUT', `the model did not answer within ${deps.llmTimeoutMs} ms`, true) : thrown
        })
        setGenAiResponse(span, { model: answer.model })
        const { inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, reasoningTokens } = answer.usage
        setGenAiUsage(span, { inputTokens, outputTokens, cacheReadInputTokens: cacheReadTokens, cacheCreationInputTokens: cacheCreationTokens, reasoningOutputTokens: reasoningTokens })
        return answer
      })
      deps.agent.recordLlmCall({
        model: request.model,
        responseModel: result.model,
        provider: deps.provider.name,
        operation: request.operation,
        durationSeconds: (performance.now() - started) / 1000,
        ...result.usage,
        costUsd: result.costUsd
      })
      deps.service.llmCall(agentName, result.model, 'success')
      return result
    } catch (error) {
      deps.agent.recordLlmCall({ model: request.model, provider: deps.provider.name, operation: request.operation, durationSeconds: (performance.now() - started) / 1000, error })
      deps.service.llmCall(agentName, request.model, 'error')
      if (attempt >= 2 || !(error instanceof ProviderError && error.retryable)) throw error
    }
  }
}
