import { SpanKind, type Span } from '@opentelemetry/api'
import { InvalidArgumentError } from '../errors.js'
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

const OPTION_NAMES: Record<keyof ChatSpanOptions, true> = {
  model: true, provider: true, operation: true, conversationId: true, serverAddress: true, serverPort: true, attributes: true, tracer: true
}

function optionalPort (value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InvalidArgumentError(what, 'expected an integer port from 1 to 65535')
  }
  return value
}

/**
 * Runs `fn` in an inference span of the GenAI conventions: `chat gpt-4o`, kind CLIENT, with
 * `gen_ai.operation.name`, `gen_ai.provider.name` and `gen_ai.request.model`. Set what the
 * response tells with `setGenAiResponse` and `setGenAiUsage`. A throw or rejection marks the span
 * failed (status ERROR, `error.type`) and passes through.
 */
export function withChatSpan<R> (options: ChatSpanOptions, fn: (span: Span) => R): WithSpanResult<R> {
  assertOptions(options, OPTION_NAMES, 'withChatSpan')
  const model = requiredString(options.model, 'withChatSpan model')
  const operation = optionalString(options.operation, 'withChatSpan operation') ?? 'chat'
  return runGenAiSpan(`${operation} ${model}`, SpanKind.CLIENT, {
    [GEN_AI.OPERATION_NAME]: operation,
    [GEN_AI.PROVIDER_NAME]: requiredString(options.provider, 'withChatSpan provider'),
    [GEN_AI.REQUEST_MODEL]: model,
    [GEN_AI.CONVERSATION_ID]: optionalString(options.conversationId, 'withChatSpan conversationId'),
    [SERVER.ADDRESS]: optionalString(options.serverAddress, 'withChatSpan serverAddress'),
    [SERVER.PORT]: optionalPort(options.serverPort, 'withChatSpan serverPort')
  }, options, fn, 'withChatSpan')
}
