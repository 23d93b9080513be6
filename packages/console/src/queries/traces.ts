import type { Attributes, HrTime } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace'

/** A trace in the list: its root span's request. */
export interface TraceSummary {
  traceId: string
  /** The root span's name (`GET /users/:id`). */
  name: string
  route: string | null
  method: string | null
  status: number | null
  /** A span of the trace has status ERROR. */
  error: boolean
  /** Start, milliseconds since the epoch. */
  start: number
  durationMs: number
  spans: number
}

export interface TraceQuery {
  /** Exact route template (`http.route`). */
  route?: string | undefined
  /** `2xx`…`5xx`, an exact code (`404`), or `error` (a span with status ERROR). */
  status?: string | undefined
  /** Traces at least this long. */
  minMs?: number | undefined
  /** A trace id, or its beginning. */
  traceId?: string | undefined
  limit: number
}

export interface SpanView {
  spanId: string
  parentSpanId: string | null
  name: string
  kind: number
  /** Depth in the tree (0 for a root). */
  depth: number
  /** Milliseconds from the trace's start. */
  offsetMs: number
  durationMs: number
  status: { code: number, message?: string }
  attributes: Attributes
  events: Array<{ name: string, offsetMs: number, attributes: Attributes }>
  service: string | null
}

export interface TraceDetail {
  traceId: string
  start: number
  durationMs: number
  spans: SpanView[]
}

const ERROR = 2
const ms = (time: HrTime): number => time[0] * 1000 + time[1] / 1e6

function byTrace (spans: readonly ReadableSpan[]): Map<string, ReadableSpan[]> {
  const traces = new Map<string, ReadableSpan[]>()
  for (const span of spans) {
    const id = span.spanContext().traceId
    const list = traces.get(id)
    if (list === undefined) traces.set(id, [span])
    else list.push(span)
  }
  return traces
}

/** Spans whose parent is not in the store: the trace's roots (usually the one server span). */
function roots (spans: readonly ReadableSpan[]): ReadableSpan[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId))
  return spans.filter((s) => s.parentSpanContext === undefined || !ids.has(s.parentSpanContext.spanId))
    .sort((a, b) => ms(a.startTime) - ms(b.startTime))
}

function summarize (traceId: string, spans: readonly ReadableSpan[]): TraceSummary {
  const root = roots(spans)[0]!
  let start = Infinity
  let end = -Infinity
  let error = false
  for (const span of spans) {
    start = Math.min(start, ms(span.startTime))
    end = Math.max(end, ms(span.endTime))
    if (span.status.code === ERROR) error = true
  }
  const a = root.attributes
  const status = a['http.response.status_code']
  return {
    traceId,
    name: root.name,
    route: typeof a['http.route'] === 'string' ? a['http.route'] : null,
    method: typeof a['http.request.method'] === 'string' ? a['http.request.method'] : null,
    status: typeof status === 'number' ? status : null,
    error,
    start,
    durationMs: end - start,
    spans: spans.length
  }
}

function matchesStatus (trace: TraceSummary, status: string): boolean {
  if (status === 'error') return trace.error
  if (/^[1-5]xx$/.test(status)) return trace.status !== null && Math.floor(trace.status / 100) === Number(status[0])
  return trace.status === Number(status)
}

/** The traces held, newest first, filtered; and the routes seen, for the filter. */
export function listTraces (spans: readonly ReadableSpan[], query: TraceQuery): { traces: TraceSummary[], routes: string[] } {
  const traces: TraceSummary[] = []
  const routes = new Set<string>()
  const wantedId = query.traceId?.toLowerCase()
  for (const [traceId, list] of byTrace(spans)) {
    const trace = summarize(traceId, list)
    if (trace.route !== null) routes.add(trace.route)
    if (wantedId !== undefined && !traceId.startsWith(wantedId)) continue
    if (query.route !== undefined && trace.route !== query.route) continue
    if (query.status !== undefined && !matchesStatus(trace, query.status)) continue
    if (query.minMs !== undefined && trace.durationMs < query.minMs) continue
    traces.push(trace)
  }
  traces.sort((a, b) => b.start - a.start)
  return { traces: traces.slice(0, query.limit), routes: [...routes].sort() }
}

/** One trace as a waterfall: each span after its parent, siblings by start time. */
export function traceDetail (spans: readonly ReadableSpan[], traceId: string): TraceDetail | undefined {
  const list = spans.filter((s) => s.spanContext().traceId === traceId)
  if (list.length === 0) return undefined
  const children = new Map<string, ReadableSpan[]>()
  for (const span of list) {
    const parent = span.parentSpanContext?.spanId
    if (parent === undefined) continue
    const siblings = children.get(parent)
    if (siblings === undefined) children.set(parent, [span])
    else siblings.push(span)
  }
  const start = Math.min(...list.map((s) => ms(s.startTime)))
  const end = Math.max(...list.map((s) => ms(s.endTime)))
  const out: SpanView[] = []
  const visit = (span: ReadableSpan, depth: number): void => {
    const { spanId } = span.spanContext()
    const service = span.resource?.attributes['service.name']
    out.push({
      spanId,
      parentSpanId: span.parentSpanContext?.spanId ?? null,
      name: span.name,
      kind: span.kind,
      depth,
      offsetMs: ms(span.startTime) - start,
      durationMs: ms(span.duration),
      status: { code: span.status.code, ...(span.status.message === undefined ? {} : { message: span.status.message }) },
      attributes: span.attributes,
      events: span.events.map((e) => ({ name: e.name, offsetMs: ms(e.time) - start, attributes: e.attributes ?? {} })),
      service: typeof service === 'string' ? service : null
    })
    const next = (children.get(spanId) ?? []).sort((a, b) => ms(a.startTime) - ms(b.startTime))
    for (const child of next) visit(child, depth + 1)
  }
  for (const root of roots(list)) visit(root, 0)
  return { traceId, start, durationMs: end - start, spans: out }
}
