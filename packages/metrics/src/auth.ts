import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { MetricsAuth } from './options.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * An onRequest hook for the metrics routes. A bearer token is compared in constant time (as
 * digests, so its length does not leak either); a function that throws or rejects denies.
 */
export function authHook (auth: MetricsAuth): onRequestAsyncHookHandler {
  const allow = typeof auth === 'function'
    ? auth
    : ((expected: Buffer) => (request: FastifyRequest) => {
        const header = request.headers.authorization
        return typeof header === 'string' && timingSafeEqual(digest(header), expected)
      })(digest(`Bearer ${auth.bearerToken}`))

  return async function checkMetricsAuth (request: FastifyRequest, reply: FastifyReply) {
    let allowed = false
    try {
      allowed = (await allow(request)) === true
    } catch (error) {
      request.log.warn({ err: error }, '@obs/metrics: the auth function threw; access denied')
    }
    if (!allowed) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({
        statusCode: 401,
        code: 'OBS_METRICS_UNAUTHORIZED',
        error: 'Unauthorized',
        message: 'Reading metrics needs valid credentials'
      })
    }
  }
}
