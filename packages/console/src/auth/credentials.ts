import { type Authorizer, createAuthorizer } from '@obs/core'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { ConsoleAuth } from '../options.js'

/** The cookie a browser holds after signing in with the bearer token. */
export const SESSION_COOKIE = 'obs_console'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
const equal = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b)

/**
 * Decides whether a request may use the console. A bearer token is accepted in the
 * `Authorization` header (scripts; @obs/core's check: the scheme in any case, the token in
 * constant time) or as the session cookie the sign-in form sets (browsers, whose EventSource
 * cannot send headers); the cookie holds a digest of the token, never the token, and is compared
 * in constant time over digests, so neither the token nor its length leaks.
 */
export class Credentials {
  private readonly authorizer: Authorizer
  private readonly session: Buffer | undefined

  constructor (auth: ConsoleAuth) {
    this.authorizer = createAuthorizer(auth, (request, error) => {
      request.log.warn({ err: error }, '@obs/console: the auth function threw; access denied')
    })
    if (typeof auth !== 'function') this.session = digest(this.sessionValue(auth.bearerToken))
  }

  /** True when the console signs browsers in with a form (bearer token), false for an auth function. */
  get hasSignIn (): boolean {
    return this.session !== undefined
  }

  /** The cookie value for a token, when it is the right one. */
  signIn (token: string): string | undefined {
    if (this.session === undefined) return undefined
    const value = this.sessionValue(token)
    return equal(digest(value), this.session) ? value : undefined
  }

  async allows (request: FastifyRequest): Promise<boolean> {
    if (await this.authorizer(request)) return true
    if (this.session === undefined) return false
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE)
    return cookie !== undefined && equal(digest(cookie), this.session)
  }

  private sessionValue (token: string): string {
    return createHash('sha256').update(`@obs/console session\n${token}`).digest('base64url')
  }
}

function readCookie (header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
