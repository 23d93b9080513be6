import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api'
import { type Discardable, kDiscarded, kTraceFieldsBound } from '../symbols.js'

/** A span, live or finished: anything with a span context. */
export interface HasSpanContext {
  spanContext (): SpanContext
}

/** The fields that tie a log line to a span, named as the OpenTelemetry log data model names them. */
export interface TraceLogFields {
  trace_id: string
  span_id: string
  /**
   * W3C trace flags as two hex digits: `01` when the trace is sampled, `00` when not; `03` and `02`
   * when the trace came in with the random flag.
   */
  trace_flags: string
}

/**
 * The log fields of `span`, or of the active span; undefined when there is no valid one, and for
 * a span that will never be exported (HTTP instrumentation's span of an excluded route): a trace
 * id in a log line must lead to a trace.
 */
export function traceLogFields (span: HasSpanContext | undefined = trace.getSpan(context.active())): TraceLogFields | undefined {
  if (span === undefined || (span as Discardable)[kDiscarded] === true) return undefined
  const spanContext = span.spanContext()
  if (!isSpanContextValid(spanContext)) return undefined
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')
  }
}

export function markBound (logger: object): void {
  (logger as Record<symbol, unknown>)[kTraceFieldsBound] = true
}

/** A child of `logger` whose every line carries the trace fields of `span`. */
export function withTraceFields<L extends { child (bindings: Record<string, unknown>): L }> (logger: L, span: HasSpanContext): L {
  const fields = traceLogFields(span)
  if (fields === undefined) return logger
  const child = logger.child({ ...fields })
  markBound(child)
  return child
}
