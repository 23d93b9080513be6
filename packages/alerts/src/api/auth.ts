import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { InvalidOptionError, UnauthorizedError } from '../errors.js'

/** Who may use the alert routes: a bearer token, or a function of the request. */
export type AlertsAuth =
  | { bearerToken: string }
  | ((request: FastifyRequest) => boolean | Promise<boolean>)

/** Checks an auth option at registration (`name` is the option). */
export function resolveAuth (name: string, auth: unknown): AlertsAuth | undefined {
  if (auth === undefined || typeof auth === 'function') return auth as AlertsAuth | undefined
  const token = (auth as { bearerToken?: unknown } | null)?.bearerToken
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidOptionError(name, 'expected { bearerToken: string } or a function (request) => boolean')
  }
  return { bearerToken: token }
}

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
