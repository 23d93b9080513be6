import { SpanKind, type Span } from '@opentelemetry/api'
import type { WithSpanResult } from '../plugin/with-span.js'
import { GEN_AI } from './attributes.js'
import { assertOptions, optionalString, requiredString, runGenAiSpan, type GenAiSpanCommon } from './run.js'

export interface ToolSpanOptions extends GenAiSpanCommon {
  /** `gen_ai.tool.name`; the span is named `execute_tool {tool}`. */
  tool: string
  /** `gen_ai.tool.type`: `function`, `extension` or `datastore`. */
  type?: string
  /** `gen_ai.tool.call.id`, the id the model gave the call. */
  callId?: string
}

const OPTION_NAMES: Record<keyof ToolSpanOptions, true> = { tool: true, type: true, callId: true, attributes: true, tracer: true }

/**
 * Runs a tool in an `execute_tool {tool}` span of the GenAI conventions, kind INTERNAL, with
 * `gen_ai.operation.name` `execute_tool` and `gen_ai.tool.name`. A throw or rejection marks the
 * span failed (status ERROR, `error.type`) and passes through.
 */
export function withToolSpan<R> (options: ToolSpanOptions, fn: (span: Span) => R): WithSpanResult<R> {
  assertOptions(options, OPTION_NAMES, 'withToolSpan')
  const tool = requiredString(options.tool, 'withToolSpan tool')
  return runGenAiSpan(`execute_tool ${tool}`, SpanKind.INTERNAL, {
    [GEN_AI.OPERATION_NAME]: 'execute_tool',
    [GEN_AI.TOOL_NAME]: tool,
    [GEN_AI.TOOL_TYPE]: optionalString(options.type, 'withToolSpan type'),
    [GEN_AI.TOOL_CALL_ID]: optionalString(options.callId, 'withToolSpan callId')
  }, options, fn, 'withToolSpan')
}
