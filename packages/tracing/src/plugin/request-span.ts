import { INVALID_TRACEID, SpanStatusCode, type Context, type Span } from '@opentelemetry/api'
import { getRPCMetadata } from '@opentelemetry/core'
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import { type Failure, kRequestSpan } from '../symbols.js'
import { recordFailure } from './failure.js'
import { requestAttributes } from './request-attributes.js'
import type { RouteTracing } from './route-state.js'

const ABORTED = 'the client closed the connection before the response was sent'

type Carrier = IncomingMessage & { [kRequestSpan]?: RequestSpan }

/**
 * The tracing state of one request, and its one writer: the server span (none for a request left
 * out of tracing), the context the request runs in, and what became of it. It lives on the raw
 * request, where the child logger factory (which runs before Fastify builds the request) leaves
 * it, every hook finds it, and the SDK reads `failure` as HTTP instrumentation ends its span.
 */
export class RequestSpan {
  /** What a 5xx wrote on the span; set once. */
  failure: Failure | undefined = undefined
  // A hook has taken the span over. One the child logger factory started is not taken yet.
  private taken = false
  // The error onError saw: whether it failed the request is known once the status is final.
  private error: unknown = undefined
  // Set once the plugin ended a span it owns.
  private ended = false

  constructor (
    /** The server span; undefined when the request is left out of tracing. */
    readonly span: Span | undefined,
    /** The context the request runs in: the span's, or one with tracing suppressed. */
    readonly context: Context,
    /** True when this plugin started the span and so ends it; false when HTTP instrumentation did. */
    readonly owned: boolean,
    /** True when the span was started with its final name (the route was known). */
    private readonly named: boolean
  ) {}

  /** The request span kept on `raw`, if any. */
  static of (raw: IncomingMessage): RequestSpan | undefined {
    return (raw as Carrier)[kRequestSpan]
  }

  /** A request left out of tracing: no span, and the context that keeps tracing suppressed. */
  static untraced (context: Context): RequestSpan {
    const untraced = new RequestSpan(undefined, context, false, true)
    untraced.taken = true
    return untraced
  }

  attachTo (raw: IncomingMessage): this {
    (raw as Carrier)[kRequestSpan] = this
    return this
  }

  get isTaken (): boolean {
    return this.taken
  }

  /** The span, once taken: what `request.span`, `request.traceId` and exemplars see. */
  get takenSpan (): Span | undefined {
    return this.taken ? this.span : undefined
  }

  /** Makes the span the request's: named, described, and announced in `traceIdHeader`. */
  take (request: FastifyRequest, reply: FastifyReply, route: RouteTracing, traceIdHeader: string | false): void {
    this.taken = true
    const span = this.span
    if (span === undefined) return
    this.describe(request, route)
    if (traceIdHeader !== false && !reply.sent) {
      const traceId = span.spanContext().traceId
      if (traceId !== INVALID_TRACEID) reply.header(traceIdHeader, traceId)
    }
  }

  keepError (error: unknown): void {
    this.error = error
  }

  /** A 5xx: status ERROR, `error.type`, and the exception when one was thrown; once. */
  fail (status: number): void {
    const span = this.span
    if (this.failure !== undefined || span === undefined || !span.isRecording()) return
    // HTTP instrumentation sets the status and `error.type` again as it ends its span, without
    // the description and with the status code: the SDK puts this failure back (see sdk/sdk.ts).
    this.failure = recordFailure(span, this.error, String(status))
  }

  /** Ends a span this plugin started, with the final status code. */
  end (status: number): void {
    if (!this.owned || this.ended || this.span === undefined) return
    this.ended = true
    this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
    this.span.end()
  }

  /** The client went away before the response: ends a span this plugin started, as aborted. */
  abort (): void {
    this.taken = true
    if (!this.owned || this.ended || this.span === undefined) return
    this.ended = true
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: ABORTED })
    this.span.setAttribute(ATTR_ERROR_TYPE, 'aborted')
    this.span.end()
  }

  private describe (request: FastifyRequest, route: RouteTracing): void {
    const span = this.span!
    if (!span.isRecording()) return
    if (!this.named) span.updateName(route.name)
    if (this.owned) {
      span.setAttributes(requestAttributes(request, route))
      return
    }
    // HTTP instrumentation's span: it names the span and sets `http.route` from its RPC metadata
    // when the response ends; set both now too, for anything that reads the span before.
    if (route.route === undefined) return
    span.setAttribute(ATTR_HTTP_ROUTE, route.route)
    const rpc = getRPCMetadata(this.context)
    if (rpc !== undefined) rpc.route = route.route
  }
}
