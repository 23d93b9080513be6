import { createAuthorizer, type RouteAuth } from '@obs/core'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { UnauthorizedError } from '../errors.js'

/** Who may use the alert routes: a bearer token, or a function of the request. */
export type AlertsAuth = RouteAuth

/**
 * An onRequest hook for the alert routes: a bearer token (any case of the scheme, compared in
 * constant time) or a function of the request; a function that throws or rejects denies.
 */
export function authHook (auth: AlertsAuth): onRequestAsyncHookHandler {
  const allow = createAuthorizer(auth, (request, error) => {
    request.log.warn({ err: error }, '@obs/alerts: the auth function threw; access denied')
  })
  return async function alertsAuth (request: FastifyRequest, reply: FastifyReply) {
    if (await allow(request)) return
    reply.header('www-authenticate', 'Bearer realm="alerts"')
    throw new UnauthorizedError()
  }
}
