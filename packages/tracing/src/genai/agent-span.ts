import { SpanKind, type Span } from '@opentelemetry/api'
import { InvalidArgumentError } from '../errors.js'
import type { WithSpanResult } from '../plugin/with-span.js'
import { GEN_AI } from './attributes.js'
import { assertOptions, optionalString, requiredString, runGenAiSpan, type GenAiSpanCommon } from './run.js'

export interface AgentSpanOptions extends GenAiSpanCommon {
  /** `gen_ai.agent.name`; the span is named `invoke_agent {agent}`. */
  agent: string
  /** `gen_ai.provider.name` (required by the conventions): the agent's model provider or framework. */
  provider: string
  /**
   * `internal` (default) for an agent that runs in this process (a framework's agent), `client`
   * for one a remote service runs (OpenAI Assistants, Bedrock Agents), as the conventions say.
   */
  kind?: 'internal' | 'client'
  /** `gen_ai.request.model`, for an agent that uses one model. */
  model?: string
  /** `gen_ai.agent.id`: remote (client) agents only, as the conventions now scope it. */
  agentId?: string
  /** `gen_ai.conversation.id`. */
  conversationId?: string
}

const OPTION_NAMES: Record<keyof AgentSpanOptions, true> = {
  agent: true, provider: true, kind: true, model: true, agentId: true, conversationId: true, attributes: true, tracer: true
}

/**
 * Runs an agent invocation in an `invoke_agent {agent}` span of the GenAI conventions, kind
 * INTERNAL or CLIENT, with `gen_ai.operation.name` `invoke_agent`, `gen_ai.provider.name` and
 * `gen_ai.agent.name`. Its model calls and tools, run inside, are its children.
 */
export function withAgentSpan<R> (options: AgentSpanOptions, fn: (span: Span) => R): WithSpanResult<R> {
  assertOptions(options, OPTION_NAMES, 'withAgentSpan')
  const agent = requiredString(options.agent, 'withAgentSpan agent')
  const kind = options.kind ?? 'internal'
  if (kind !== 'internal' && kind !== 'client') throw new InvalidArgumentError('withAgentSpan kind', 'expected "internal" or "client"')
  const agentId = optionalString(options.agentId, 'withAgentSpan agentId')
  return runGenAiSpan(`invoke_agent ${agent}`, kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, {
    [GEN_AI.OPERATION_NAME]: 'invoke_agent',
    [GEN_AI.PROVIDER_NAME]: requiredString(options.provider, 'withAgentSpan provider'),
    [GEN_AI.AGENT_NAME]: agent,
    [GEN_AI.REQUEST_MODEL]: optionalString(options.model, 'withAgentSpan model'),
    [GEN_AI.AGENT_ID]: kind === 'client' ? agentId : undefined,
    [GEN_AI.CONVERSATION_ID]: optionalString(options.conversationId, 'withAgentSpan conversationId')
  }, options, fn, 'withAgentSpan')
}
