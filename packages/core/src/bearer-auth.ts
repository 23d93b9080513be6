import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { InvalidOption } from './coded-error.js'

/** Who may use a plugin's routes: a bearer token, or a function of the request. */
export type RouteAuth =
  | { bearerToken: string }
  | ((request: FastifyRequest) => boolean | Promise<boolean>)

/** Whether `request` may pass; a function that throws or rejects has `onError` told, and denies. */
export type Authorizer = (request: FastifyRequest) => boolean | Promise<boolean>

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

// RFC 7235: the scheme is case-insensitive, then one or more spaces, then the credentials.
const BEARER = /^bearer +/i

/** The `auth` option checked once, at registration: undefined, `{ bearerToken }` or a function. */
export function resolveRouteAuth (name: string, value: unknown, Invalid: InvalidOption): RouteAuth | undefined {
  if (value === undefined || typeof value === 'function') return value as RouteAuth | undefined
  const token = (value as { bearerToken?: unknown } | null)?.bearerToken
  if (typeof token !== 'string' || token.length === 0) {
    throw new Invalid(name, 'expected { bearerToken: string } or a function (request) => boolean')
  }
  return { bearerToken: token }
}

/**
 * Decides per request. A bearer token is compared in constant time, as digests so that its
 * length does not leak either; `Bearer`, `bearer` and `BEARER` are the same scheme. A function
 * allows only when it returns (or resolves to) `true`.
 */
export function createAuthorizer (auth: RouteAuth, onError: (request: FastifyRequest, error: unknown) => void): Authorizer {
  if (typeof auth !== 'function') {
    const expected = digest(auth.bearerToken)
    return function bearerAuth (request) {
      const header = request.headers.authorization
      if (typeof header !== 'string') return false
      const scheme = BEARER.exec(header)
      return scheme !== null && timingSafeEqual(digest(header.slice(scheme[0].length).trim()), expected)
    }
  }
  return async function functionAuth (request) {
    try {
      return (await auth(request)) === true
    } catch (error) {
      onError(request, error)
      return false
    }
  }
}
