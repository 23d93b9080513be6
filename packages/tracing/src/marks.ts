import type { Failure } from './failure.js'

// What the Fastify plugin tells the SDK's HTTP instrumentation about a request it served.
// Registered symbols, so that two copies of this package (the preload's and the app's) agree.

/**
 * Set on a span of HTTP instrumentation that belongs to an excluded route: the SDK's span
 * processors leave it out, so it is never exported.
 */
export const kDiscarded: unique symbol = Symbol.for('@obs/tracing.discarded') as never

/**
 * Set on the raw request of a failed response: the status description and `error.type` that
 * HTTP instrumentation, when it ends its span, would otherwise replace (by no description and
 * the status code).
 */
export const kFailure: unique symbol = Symbol.for('@obs/tracing.failure') as never

export type Discardable = object & { [kDiscarded]?: true }
export type CarriesFailure = object & { [kFailure]?: Failure }
