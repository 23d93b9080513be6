import type { AgentMetrics } from '@obs/metrics'
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
 * timeout), as clients usually do.
 */
export async function callModel (agentName: string, request: CompletionRequest, deps: ModelCallDeps): Promise<CompletionResult> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now()
    const signal = AbortSignal.timeout(deps.llmTimeoutMs)
    try {
      const result = await deps.provider.complete(request, signal)
      deps.agent.recordLlmCall({
        model: result.model,
        provider: deps.provider.name,
        durationSeconds: (performance.now() - started) / 1000,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        costUsd: result.costUsd
      })
      deps.service.llmCall(agentName, result.model, 'success')
      return result
    } catch (thrown) {
      // What an abandoned call throws depends on the provider (an AbortError, a TimeoutError…):
      // the signal says what happened.
      const error = signal.aborted ? new ProviderError('UPSTREAM_TIMEOUT', `the model did not answer within ${deps.llmTimeoutMs} ms`, true) : thrown
      deps.agent.recordLlmCall({ model: request.model, provider: deps.provider.name, durationSeconds: (performance.now() - started) / 1000, error })
      deps.service.llmCall(agentName, request.model, 'error')
      if (attempt >= 2 || !(error instanceof ProviderError && error.retryable)) throw error
    }
  }
}
