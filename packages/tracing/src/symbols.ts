// The symbols of this package, in one place (pino's lib/symbols.js is the model), with what each
// one holds. They are registered (Symbol.for) so that two copies of the package, the preload's
// and the app's, agree on them.

/**
 * On the raw request (`request.raw`): its RequestSpan, the one owner of a request's span state.
 * The child logger factory puts it there before Fastify builds the request, the hooks take it
 * over, and the SDK reads its `failure` when HTTP instrumentation ends its span.
 */
export const kRequestSpan: unique symbol = Symbol.for('@obs/tracing.requestSpan') as never

/**
 * On a span of HTTP instrumentation that belongs to an excluded route: the SDK's span processors
 * leave it out, so it is never exported, and no log line names its trace.
 */
export const kDiscarded: unique symbol = Symbol.for('@obs/tracing.discarded') as never

/**
 * On HTTP instrumentation's RPC metadata once a request has taken its span, so that a request
 * served inside another one (an inject from a handler) never takes the outer span.
 */
export const kClaimed: unique symbol = Symbol.for('@obs/tracing.claimed') as never

/**
 * On a logger whose bindings already carry the trace fields (the request loggers): the preset's
 * mixin then adds nothing, so a line never holds the keys twice.
 */
export const kTraceFieldsBound: unique symbol = Symbol.for('@obs/tracing.traceFieldsBound') as never

/** What a failure wrote on its span: the status description, if any, and `error.type`. */
export interface Failure {
  readonly message: string | undefined
  readonly type: string
}

export type Discardable = object & { [kDiscarded]?: true }

/** What the SDK may read of a raw request's span state. */
export type CarriesRequestSpan = object & { [kRequestSpan]?: { readonly failure: Failure | undefined } }
