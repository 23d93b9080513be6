import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api'
import { getRPCMetadata, isTracingSuppressed, RPCType, type RPCMetadata } from '@opentelemetry/core'
import type { IncomingHttpHeaders } from 'node:http'
import { type Discardable, kClaimed, kDiscarded } from '../symbols.js'
import { RequestSpan } from './request-span.js'

type ClaimableMetadata = RPCMetadata & { [kClaimed]?: true }

const SERVER: SpanOptions = Object.freeze({ kind: SpanKind.SERVER })

/** `startTime` (ms since the epoch) backdates a span started late; by default it starts now. */
export type SpanStarter = (headers: IncomingHttpHeaders, name: string, named: boolean, startTime?: number) => RequestSpan | undefined

/**
 * Starts the server span of a request, or takes the one HTTP instrumentation started for it.
 * Returns undefined when tracing is suppressed for the request (HTTP instrumentation was told
 * to ignore it). Only headers are read, so this can run before Fastify builds the request.
 */
export function createSpanStarter (tracer: Tracer): SpanStarter {
  return function startServerSpan (headers, name, named, startTime) {
    const active = context.active()
    if (isTracingSuppressed(active)) return undefined
    const claimed = claimInstrumentationSpan(active)
    if (claimed !== undefined) return new RequestSpan(claimed, active, false, false)
    // The parent comes from the headers only, never from whatever context the server happens to
    // run in: a malformed traceparent is ignored by the propagator and starts a new trace.
    const parent = propagation.extract(ROOT_CONTEXT, headers)
    const span = tracer.startSpan(name, startTime === undefined ? SERVER : { kind: SpanKind.SERVER, startTime }, parent)
    return new RequestSpan(span, trace.setSpan(parent, span), true, named)
  }
}

/**
 * Claims the span HTTP instrumentation started for the request in `active`, if nobody has: a
 * request served inside another one (an inject from a handler) never takes the outer span.
 */
function claimInstrumentationSpan (active: Context): Span | undefined {
  const rpc = getRPCMetadata(active) as ClaimableMetadata | undefined
  if (rpc === undefined || rpc.type !== RPCType.HTTP || rpc[kClaimed] === true) return undefined
  rpc[kClaimed] = true
  return rpc.span
}

/** Claims HTTP instrumentation's span of an excluded request and marks it for the SDK to leave out. */
export function discardInstrumentationSpan (active: Context): void {
  const span = claimInstrumentationSpan(active) as Discardable | undefined
  if (span !== undefined) span[kDiscarded] = true
}
