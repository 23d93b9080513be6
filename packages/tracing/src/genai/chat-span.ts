import { SpanKind, type Span } from '@opentelemetry/api'
import type { WithSpanResult } from '../plugin/with-span.js'
import { GEN_AI, SERVER } from './attributes.js'
import { assertOptions, optionalString, requiredString, runGenAiSpan, type GenAiSpanCommon } from './run.js'

export interface ChatSpanOptions extends GenAiSpanCommon {
  /** `gen_ai.request.model`; the span is named `{operation} {model}`. */
  model: string
  /** `gen_ai.provider.name`, e.g. `openai`, `anthropic`, `aws.bedrock` (required by the conventions). */
  provider: string
  /** `gen_ai.operation.name`: `chat` (default), `text_completion`, `generate_content`, `embeddings`. */
  operation?: string
  /** `gen_ai.conversation.id`, when the call belongs to a conversation. */
  conversationId?: string
  /** `server.address` and `server.port` of the model's endpoint. */
  serverAddress?: string
  serverPort?: number
}

/**
 * Runs `fn` in an inference span of the GenAI conventions: `chat gpt-4o`, kind CLIENT, with
 * `gen_ai.operation.name`, `gen_ai.provider.name` and `gen_ai.request.model`. Set what the
 * response tells with `setGenAiResponse` and `setGenAiUsage`. A throw or rejection marks the span
 * failed (status ERROR, `error.type`) and passes through.
 */
export function withChatSpan<R> (options: ChatSpanOptions, fn: (span: Span) => R): WithSpanResult<R> {
  assertOptions(options, 'withChatSpan options')
  const model = requiredString(options.model, 'withChatSpan model')
  const operation = optionalString(options.operation, 'withChatSpan operation') ?? 'chat'
  const port = options.serverPort
  return runGenAiSpan(`${operation} ${model}`, SpanKind.CLIENT, {
    [GEN_AI.OPERATION_NAME]: operation,
    [GEN_AI.PROVIDER_NAME]: requiredString(options.provider, 'withChatSpan provider'),
    [GEN_AI.REQUEST_MODEL]: model,
    [GEN_AI.CONVERSATION_ID]: optionalString(options.conversationId, 'withChatSpan conversationId'),
    [SERVER.ADDRESS]: optionalString(options.serverAddress, 'withChatSpan serverAddress'),
    [SERVER.PORT]: Number.isInteger(port) ? port : undefined
  }, options, fn, 'withChatSpan')
}
