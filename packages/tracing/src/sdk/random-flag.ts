import { context, INVALID_TRACEID, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api'
import { TracerProvider } from '@opentelemetry/sdk-trace'

/**
 * W3C Trace Context Level 2's random trace-id flag, the second bit of trace-flags: whoever set it
 * vouches that the right-most 7 bytes of the trace id are random. `TraceFlags` (API 1.10) has
 * no name for it.
 */
const RANDOM_TRACE_ID_FLAG = 0x02

/**
 * Gives `span` the random flag of its parent in `parent` when the two share a trace id, as
 * Level 2 asks of a participant that continues a trace. The SDK's tracer sets a new span's flags
 * from the sampling decision alone, so without this the flag stops at the first span. The span
 * context is changed in place, before anyone but the span processors' `onStart` has seen it:
 * the SDK's spans and non-recording spans hand out the object they keep.
 */
function inheritRandomFlag (span: Span, parent: Context): Span {
  const from = trace.getSpanContext(parent)
  if (from === undefined || (from.traceFlags & RANDOM_TRACE_ID_FLAG) === 0) return span
  const own = span.spanContext()
  // Not the shared invalid context a suppressed span carries.
  if (own.traceId === from.traceId && own.traceId !== INVALID_TRACEID) own.traceFlags |= RANDOM_TRACE_ID_FLAG
  return span
}

/** A tracer of the SDK whose spans inherit the random flag. */
class RandomFlagTracer implements Tracer {
  readonly #tracer: Tracer

  constructor (tracer: Tracer) {
    this.#tracer = tracer
  }

  startSpan (name: string, options?: SpanOptions, parent: Context = context.active()): Span {
    return inheritRandomFlag(this.#tracer.startSpan(name, options, parent), parent)
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, parent: Context, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown> (name: string, ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context | undefined, F]): ReturnType<F> {
    const fn = rest[rest.length - 1] as (span: Span) => ReturnType<F>
    const options = rest.length > 1 ? rest[0] as SpanOptions : undefined
    const parent = (rest.length > 2 ? rest[1] as Context | undefined : undefined) ?? context.active()
    const span = this.startSpan(name, options, parent)
    return context.with(trace.setSpan(parent, span), fn, undefined, span)
  }
}

/**
 * The SDK's tracer provider, with tracers whose spans carry the random flag on (see
 * `inheritRandomFlag`): a request that arrives with trace-flags `02` or `03` has its spans, and
 * the `traceparent` of its outbound calls, keep them. New traces do not get the flag.
 */
export class RandomFlagTracerProvider extends TracerProvider {
  readonly #tracers = new WeakMap<Tracer, Tracer>()

  override getTracer (name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const tracer = super.getTracer(name, version, options)
    let carrying = this.#tracers.get(tracer)
    if (carrying === undefined) {
      carrying = new RandomFlagTracer(tracer)
      this.#tracers.set(tracer, carrying)
    }
    return carrying
  }
}
