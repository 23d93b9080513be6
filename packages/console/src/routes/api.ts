import type { FastifyInstance } from 'fastify'
import { NotFoundError } from '../errors.js'
import { alertsSnapshot } from '../queries/alerts.js'
import { parseExemplars } from '../queries/exemplars.js'
import { LEVELS, type LevelName, queryLogs } from '../queries/logs.js'
import { listMetrics, readMetric } from '../queries/metrics.js'
import { listTraces, traceDetail } from '../queries/traces.js'
import type { Sources } from '../sources/sources.js'
import type { LogStore } from '../stores/log-store.js'
import type { SpanStore } from '../stores/span-store.js'

export interface ApiDeps {
  prefix: string
  alertsPath: string
  sources: Sources
  spans: SpanStore
  logs: LogStore | undefined
  routeOptions: Record<string, unknown>
}

const TRACE_ID = '^[0-9a-f]{32}$'
const HISTORY_LIMIT = 50

/**
 * The JSON the pages poll: computed when asked, from the stores and the other plugins. Every
 * answer carries `missing`, the sentence a view shows when its source is not there.
 */
export function registerApi (scope: FastifyInstance, deps: ApiDeps): void {
  const { sources, spans, logs, routeOptions } = deps
  const api = `${deps.prefix}api`
  const get = <T extends object>(url: string, schema: object, handler: (query: T, params: Record<string, string>) => unknown): void => {
    scope.get(url, { ...routeOptions, schema }, async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return await handler(request.query as T, request.params as Record<string, string>)
    })
  }

  get<{ route?: string, status?: string, minMs?: number, traceId?: string, limit: number }>(`${api}/traces`, {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        route: { type: 'string', maxLength: 512 },
        status: { type: 'string', pattern: '^([1-5]xx|[1-5][0-9][0-9]|error)$' },
        minMs: { type: 'number', minimum: 0 },
        traceId: { type: 'string', pattern: '^[0-9a-fA-F]{1,32}$' },
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }
      }
    }
  }, (query) => {
    const missing = sources.missing('traces')
    const { traces, routes } = listTraces(spans.toArray(), query)
    return { missing: missing ?? null, traces, routes, held: spans.length, capacity: spans.capacity }
  })

  get<object>(`${api}/traces/:traceId`, {
    params: { type: 'object', properties: { traceId: { type: 'string', pattern: TRACE_ID } } }
  }, (_query, params) => {
    const trace = traceDetail(spans.toArray(), params.traceId!)
    if (trace === undefined) throw new NotFoundError('trace', params.traceId!)
    return trace
  })

  get<{ route?: string }>(`${api}/exemplars`, {
    querystring: { type: 'object', additionalProperties: false, properties: { route: { type: 'string', maxLength: 512 } } }
  }, async (query) => {
    const metrics = sources.metrics
    if (metrics === undefined) return { missing: sources.missing('requests'), exemplars: [] }
    const { body } = await metrics.render('application/openmetrics-text')
    const held = new Set(spans.toArray().map((s) => s.spanContext().traceId))
    const exemplars = parseExemplars(body, `${metrics.prefix}http_request_duration_seconds`)
      .filter((e) => query.route === undefined || e.route === query.route)
      .map((e) => ({ ...e, held: held.has(e.traceId) }))
    return { missing: null, exemplars }
  })

  get<{ level?: LevelName, text?: string, after?: number, limit: number }>(`${api}/logs`, {
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { type: 'string', enum: [...LEVELS] },
        text: { type: 'string', maxLength: 200 },
        after: { type: 'integer', minimum: -1 },
        limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 }
      }
    }
  }, (query) => {
    if (logs === undefined) return { missing: sources.missing('logs'), lines: [], lastSeq: -1, held: 0, capacity: 0 }
    return { missing: null, lines: queryLogs(logs, query), lastSeq: logs.lastSeq, held: logs.length, capacity: logs.capacity }
  })

  get<object>(`${api}/alerts`, {}, async () => {
    const alerts = sources.alerts
    if (alerts === undefined) return { missing: sources.missing('alerts') }
    return { missing: null, ...await alertsSnapshot(alerts, sources.metrics?.registry, deps.alertsPath, HISTORY_LIMIT) }
  })

  get<object>(`${api}/metrics`, {}, () => {
    const metrics = sources.metrics
    if (metrics === undefined) return { missing: sources.missing('metrics'), metrics: [] }
    return { missing: null, metrics: listMetrics(metrics.registry) }
  })

  get<{ buckets?: boolean }>(`${api}/metrics/:name`, {
    params: { type: 'object', properties: { name: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' } } },
    querystring: { type: 'object', additionalProperties: false, properties: { buckets: { type: 'boolean', default: false } } }
  }, async (query, params) => {
    const metrics = sources.metrics
    if (metrics === undefined) return { missing: sources.missing('metrics') }
    const reading = await readMetric(metrics.registry, params.name!, query.buckets === true)
    if (reading === undefined) throw new NotFoundError('metric', params.name!)
    return { missing: null, at: Date.now(), ...reading }
  })
}
