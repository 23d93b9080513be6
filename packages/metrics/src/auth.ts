import { createAuthorizer, type RouteAuth } from '@obs/core'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'

/**
 * An onRequest hook for the metrics routes: a bearer token (any case of the scheme, compared in
 * constant time) or a function of the request; a function that throws or rejects denies.
 */
export function authHook (auth: RouteAuth): onRequestAsyncHookHandler {
  const allow = createAuthorizer(auth, (request, error) => {
    request.log.warn({ err: error }, '@obs/metrics: the auth function threw; access denied')
  })
  return async function checkMetricsAuth (request: FastifyRequest, reply: FastifyReply) {
    if (await allow(request)) return
    return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({
      statusCode: 401,
      code: 'OBS_METRICS_UNAUTHORIZED',
      error: 'Unauthorized',
      message: 'Reading metrics needs valid credentials'
    })
  }
}
