import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { UnauthorizedError } from '../errors.js'
import type { ConsoleAuth } from '../options.js'
import { renderSignIn } from '../routes/views.js'
import { Credentials, SESSION_COOKIE } from './credentials.js'

export interface GuardSettings {
  prefix: string
  auth: ConsoleAuth
  /** Paths under the prefix anyone may load (the stylesheet of the sign-in page). */
  isPublic: (path: string) => boolean
  /** Route options every console route shares (left out of metrics, traces and routine logs). */
  routeOptions: Record<string, unknown>
}

/** Where a sign-in may send the browser back to: a path under the prefix, nothing else. */
function safeNext (prefix: string, next: unknown): string {
  return typeof next === 'string' && next.startsWith(prefix) && !next.startsWith('//') && !/[\\\s]/.test(next) ? next : prefix
}

/**
 * Protects every console route of this scope with `auth`. Pages answer 401 with the sign-in form
 * (bearer token) or a short message (auth function); the API answers 401 with
 * `OBS_CONSOLE_UNAUTHORIZED`. With a bearer token, `POST {prefix}login` checks the token and sets
 * a session cookie (HttpOnly, SameSite=Strict, scoped to the prefix).
 */
export function installGuard (scope: FastifyInstance, settings: GuardSettings): void {
  const credentials = new Credentials(settings.auth)
  const { prefix } = settings
  const api = `${prefix}api/`

  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?', 1)[0]!
    if (settings.isPublic(path) || (credentials.hasSignIn && path === `${prefix}login`)) return
    if (await credentials.allows(request)) return
    reply.header('www-authenticate', 'Bearer realm="console"')
    if (path.startsWith(api)) throw new UnauthorizedError()
    reply.code(401).header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return reply.send(credentials.hasSignIn
      ? renderSignIn(prefix, safeNext(prefix, request.url), false)
      : '<!doctype html><title>401</title><p>The console needs valid credentials.</p>')
  })

  if (!credentials.hasSignIn) return
  // The form posts urlencoded; the parser lives in this scope only.
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
  scope.get<{ Querystring: { next?: string } }>(`${prefix}login`, settings.routeOptions, async (request, reply) => {
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderSignIn(prefix, safeNext(prefix, request.query.next), false))
  })
  scope.post<{ Body: { token?: string, next?: string } }>(`${prefix}login`, settings.routeOptions, async (request, reply) => {
    const { token, next } = request.body ?? {}
    const session = typeof token === 'string' ? credentials.signIn(token) : undefined
    if (session === undefined) {
      request.log.warn('@obs/console: a sign-in with a wrong token')
      return reply.code(401).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderSignIn(prefix, safeNext(prefix, next), true))
    }
    const secure = request.protocol === 'https' ? '; Secure' : ''
    return reply.code(303)
      .header('set-cookie', `${SESSION_COOKIE}=${session}; Path=${prefix}; HttpOnly; SameSite=Strict${secure}`)
      .header('location', safeNext(prefix, next))
      .send()
  })
}
