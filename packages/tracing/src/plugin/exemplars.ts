import { TraceFlags } from '@opentelemetry/api'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requestSpan } from './server-spans.js'

/** What @obs/metrics takes as an exemplar source (structurally: this package does not import it). */
type ExemplarSource = (request: FastifyRequest) => Readonly<Record<string, string>> | undefined
interface MetricsApi {
  setExemplarSource (source: ExemplarSource | undefined): void
}

/** Exemplar labels of a request: its trace and span ids, only when the trace is sampled. */
export function traceExemplar (request: FastifyRequest): { trace_id: string, span_id: string } | undefined {
  const span = requestSpan(request)?.takenSpan
  if (span === undefined) return undefined
  const { traceId, spanId, traceFlags } = span.spanContext()
  // An exemplar points at a trace one can open: an unsampled trace was never exported.
  if ((traceFlags & TraceFlags.SAMPLED) === 0) return undefined
  return { trace_id: traceId, span_id: spanId }
}

/**
 * When @obs/metrics is registered (before or after this plugin, in a scope this plugin sees),
 * its request duration histogram gets the trace of sampled requests as exemplars.
 */
export function linkMetricsExemplars (app: FastifyInstance): void {
  let metrics: MetricsApi | undefined
  app.addHook('onReady', async function setExemplarSource () {
    const candidate = (app as unknown as { metrics?: Partial<MetricsApi> }).metrics
    if (typeof candidate?.setExemplarSource !== 'function') return
    metrics = candidate as MetricsApi
    metrics.setExemplarSource(traceExemplar)
  })
  app.addHook('onClose', async function unsetExemplarSource () {
    metrics?.setExemplarSource(undefined)
  })
}
