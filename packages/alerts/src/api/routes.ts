import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import type { AlertView } from '../engine/alert.js'
import { type AlertsAuth, authHook } from './auth.js'
import type { AlertEngine } from '../engine/engine.js'
import { AckNotAllowedError, AlertNotFoundError } from '../errors.js'
import { SEVERITIES } from '../rules/types.js'

export interface RouteOptions {
  path: string
  auth: AlertsAuth | undefined
  /** Undefined: acknowledging over HTTP is refused; `'open'`: anyone may. */
  ackAuth: AlertsAuth | 'open' | undefined
}

const alertSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    fingerprint: { type: 'string' },
    name: { type: 'string' },
    state: { type: 'string' },
    severity: { type: 'string' },
    source: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    value: { type: ['number', 'null'] },
    activeAt: { type: 'string' },
    startsAt: { type: ['string', 'null'] },
    endsAt: { type: ['string', 'null'] },
    acknowledged: {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { by: { type: 'string' }, at: { type: 'string' }, comment: { type: 'string' } } }]
    },
    channels: { type: 'array', items: { type: 'string' } },
    generatorURL: { type: 'string' }
  }
}

async function refuseAck (): Promise<void> {
  throw new AckNotAllowedError()
}

const FINGERPRINT = { type: 'object', required: ['fingerprint'], properties: { fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' } } }

/**
 * `GET {path}` (active alerts and history), `GET {path}/:fingerprint`, and
 * `POST {path}/:fingerprint/ack`. None of them is measured by @obs/metrics.
 */
export function registerRoutes (app: FastifyInstance, engine: AlertEngine, options: RouteOptions): void {
  const guard = (auth: AlertsAuth | undefined): { onRequest?: onRequestAsyncHookHandler } => auth === undefined ? {} : { onRequest: authHook(auth) }
  const config = { metrics: false }

  app.get<{ Querystring: { state?: 'pending' | 'firing', severity?: string, limit?: number } }>(options.path, {
    config,
    ...guard(options.auth),
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          state: { type: 'string', enum: ['pending', 'firing'] },
          severity: { type: 'string', enum: [...SEVERITIES] },
          limit: { type: 'integer', minimum: 0, description: 'The most history entries (newest first).' }
        }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            active: { type: 'array', items: alertSchema },
            history: { type: 'array', items: alertSchema },
            ruleErrors: { type: 'array', items: { type: 'object', properties: { rule: { type: 'string' }, error: { type: 'string' }, since: { type: 'string' } } } }
          }
        }
      }
    }
  }, async (request, reply) => {
    const { state, severity, limit } = request.query
    const ofSeverity = (a: AlertView): boolean => severity === undefined || a.severity === severity
    reply.header('cache-control', 'no-store')
    return {
      active: engine.active().filter((a) => (state === undefined || a.state === state) && ofSeverity(a)),
      // The filter first, then the limit: `limit` counts the entries returned.
      history: engine.resolvedHistory().filter(ofSeverity).slice(0, limit),
      // Rules that cannot evaluate (a missing metric, a failing check): silent otherwise.
      ruleErrors: engine.ruleErrors()
    }
  })

  app.get<{ Params: { fingerprint: string } }>(`${options.path}/:fingerprint`, {
    config,
    ...guard(options.auth),
    schema: { params: FINGERPRINT, response: { 200: alertSchema } }
  }, async (request, reply) => {
    const alert = engine.get(request.params.fingerprint)
    if (alert === undefined) throw new AlertNotFoundError(request.params.fingerprint)
    reply.header('cache-control', 'no-store')
    return alert
  })

  app.post<{ Params: { fingerprint: string }, Body: { by?: string, comment?: string } | undefined }>(`${options.path}/:fingerprint/ack`, {
    config,
    // Secure by default: an acknowledgement silences a page.
    onRequest: options.ackAuth === undefined ? refuseAck : options.ackAuth === 'open' ? [] : authHook(options.ackAuth),
    // The body is optional: an empty POST acknowledges as "anonymous".
    preValidation: async (request) => { request.body ??= {} },
    schema: {
      params: FINGERPRINT,
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { by: { type: 'string', minLength: 1, maxLength: 200 }, comment: { type: 'string', maxLength: 2000 } }
      },
      response: { 200: alertSchema }
    }
  }, async (request) => {
    const { fingerprint } = request.params
    const body = request.body ?? {}
    const alert = engine.acknowledge(fingerprint, body.by ?? 'anonymous', body.comment)
    if (alert === undefined) throw new AlertNotFoundError(fingerprint)
    request.log.info({ fingerprint, alert: alert.name, by: alert.acknowledged?.by }, '@obs/alerts: alert acknowledged')
    return alert
  })
}
