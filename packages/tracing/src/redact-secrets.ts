/**
 * Keys whose values are secrets, whatever their case: credentials in headers (authorization,
 * cookies, API keys), passwords, tokens, client secrets, private keys.
 */
const SECRET_KEY = /^(?:(?:proxy-)?authorization|(?:set-)?cookie|password|passwd|secret|token|(?:x-)?api[-_]?key|x-auth-token|(?:access|refresh|id)[-_]?token|client[-_]?secret|private[-_]?key)$/i

/**
 * How deep secrets are looked for, in objects (arrays do not count): `password`, `user.password`,
 * `req.headers.authorization`, `body.user.credentials.password`.
 */
const MAX_DEPTH = 4

export function isSecretKey (key: string): boolean {
  return SECRET_KEY.test(key)
}

function isPlain (value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null || proto === Array.prototype
}

export interface RedactOptions {
  /** Keys of the top object not to look into (their values are serialized on their own). */
  skip?: ReadonlySet<string>
  /** Look into the top object even when it is not plain (a serialized error has a prototype). */
  anyObject?: boolean
}

function redact (value: unknown, censor: string, depth: number, skip: ReadonlySet<string> | undefined, anyObject: boolean): unknown {
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH || !(anyObject || isPlain(value))) return value
  const source = value as Record<string, unknown>
  const array = Array.isArray(source)
  let copy: Record<string, unknown> | undefined
  for (const key in source) {
    if (skip?.has(key) === true) continue
    const item = source[key]
    const redacted = !array && item !== undefined && isSecretKey(key) ? censor : redact(item, censor, array ? depth : depth + 1, undefined, false)
    if (redacted !== item) {
      copy ??= array ? [...source] as unknown as Record<string, unknown> : Object.assign(Object.create(Object.getPrototypeOf(source) as object | null) as object, source)
      copy[key] = redacted
    }
  }
  return copy ?? value
}

/**
 * `value` with the values of secret keys replaced by `censor`, four objects deep. Copies only
 * what it changes: an object without secrets is returned as it is, and nothing passed in is
 * modified. Only plain objects and arrays are looked into (not class instances: a Fastify
 * request, a Buffer), so the cost stays below what serializing the line costs anyway.
 */
export function redactSecrets<T> (value: T, censor: string, options: RedactOptions = {}): T {
  return redact(value, censor, 0, options.skip, options.anyObject === true) as T
}
