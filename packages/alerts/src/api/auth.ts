import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { UnauthorizedError } from '../errors.js'
import type { AlertsAuth } from '../options.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * An onRequest hook for the alert routes. A bearer token is compared in constant time (as
 * digests, so that its length does not leak either); a function that throws or rejects denies.
 */
export function authHook (auth: AlertsAuth): onRequestAsyncHookHandler {
  const expected = typeof auth === 'function' ? undefined : digest(auth.bearerToken)
  return async function alertsAuth (request: FastifyRequest, reply: FastifyReply) {
    let allowed = false
    if (expected !== undefined) {
      const header = request.headers.authorization
      const token = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : undefined
      allowed = token !== undefined && timingSafeEqual(digest(token), expected)
    } else {
      try {
        allowed = (await (auth as (r: FastifyRequest) => boolean | Promise<boolean>)(request)) === true
      } catch (error) {
        request.log.warn({ err: error }, '@obs/alerts: the auth function threw; access denied')
      }
    }
    if (!allowed) {
      reply.header('www-authenticate', 'Bearer realm="alerts"')
      throw new UnauthorizedError()
    }
  }
}
