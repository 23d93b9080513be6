import { stdSerializers } from 'pino'

/**
 * What a secret key ends with: credentials in headers (authorization, cookies, API keys),
 * passwords, tokens, secrets, private and access keys, credentials. Words are separated by
 * `-`, `_`, `.` or a space, or written together (`apikey`, `authtoken`); any case.
 */
const SECRET_SUFFIXES = [
  'authorization', 'cookie', 'cookies', 'bearer',
  'password', 'passwd', 'pwd', 'passphrase',
  'secret', 'client secret', 'credential', 'credentials',
  'token', 'access token', 'refresh token', 'id token', 'auth token', 'session token', 'api token',
  'api key', 'secret key', 'private key', 'access key'
]

/** `api key` → `[aA][pP][iI][-_. ]?[kK][eE][yY]`: any case, without the `i` flag (see below). */
function anyCase (words: string): string {
  return words.split(' ').map((word) => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`)).join('[-_. ]?')
}

/**
 * A key is secret when it ends with one of the suffixes at a word boundary: the start, a
 * separator, or a change of case (`openaiApiKey`, `XApiKey`). So `OPENAI_API_KEY`,
 * `x-goog-api-key`, `authToken` and `aws_secret_access_key` are secrets, and `inputTokens`,
 * `keyboard`, `secretary`, `passwordHint` and `tokenCount` are not. Case-sensitive on purpose:
 * the `i` flag would make every letter a change of case.
 */
const SECRET_KEY = new RegExp(`(?:^|[-_. ]|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]))(?:${SECRET_SUFFIXES.map(anyCase).join('|')})$`)

/**
 * How deep secrets are looked for, in objects (arrays do not count), the logged object being
 * the first: `password`, `user.password`, `req.headers.authorization`,
 * `body.user.credentials.password`.
 */
const MAX_DEPTH = 4

// What pino's error serializer returns (an `err` key's value, the items of `aggregateErrors`).
const SERIALIZED_ERROR = Object.getPrototypeOf(stdSerializers.err(new Error('prototype'))) as object

/** The last three characters of `key`, lower-cased (for letters), as one number. */
function ending (key: string): number {
  const n = key.length
  return ((key.charCodeAt(n - 3) | 0x20) << 16) | ((key.charCodeAt(n - 2) | 0x20) << 8) | (key.charCodeAt(n - 1) | 0x20)
}

// Most keys end unlike any suffix: this set turns them away before the regex runs.
const ENDINGS = new Set(SECRET_SUFFIXES.map(ending))

export function isSecretKey (key: string): boolean {
  return key.length >= 3 && ENDINGS.has(ending(key)) && SECRET_KEY.test(key)
}

// In JSON text, a key that ends as a secret key may end (its last two letters, then `":`). A
// cheap test that lets most text through unparsed; a hit is checked with isSecretKey.
const SECRET_KEY_END = new RegExp(`(?:${[...new Set(SECRET_SUFFIXES.map((suffix) => suffix.slice(-2)))].join('|')})":`, 'i')

/** Whether JSON text may hold a secret key: false means it surely does not. */
export function mayHoldSecretKey (json: string): boolean {
  return SECRET_KEY_END.test(json)
}

/**
 * Objects looked into: plain ones, arrays, Errors (an HTTP client's error carries its request's
 * headers) and pino's serialized errors. Other class instances (a Fastify request, a Buffer)
 * are not, so the cost stays below what serializing the line costs anyway.
 */
function isInspectable (value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null || proto === Array.prototype || proto === SERIALIZED_ERROR || value instanceof Error
}

export interface RedactOptions {
  /** Keys of the top object not to look into (their values are serialized on their own). */
  skip?: ReadonlySet<string>
  /** Look into the top object whatever its class. */
  anyObject?: boolean
}

/** A copy of `source` (same prototype, every own property) with `changes` applied. */
function copyWith (source: Record<string, unknown>, changes: Array<[string, unknown]>): Record<string, unknown> {
  if (Array.isArray(source)) {
    const copy = source.slice()
    for (const [key, value] of changes) copy[Number(key)] = value
    return copy as unknown as Record<string, unknown>
  }
  const descriptors = Object.getOwnPropertyDescriptors(source) as Record<string, PropertyDescriptor>
  // On Node 24 an error's own `stack` is an accessor that answers on that error alone (a copy of
  // it reads undefined): the copy gets the value.
  const stack = descriptors.stack
  if (source instanceof Error && stack?.get !== undefined) {
    descriptors.stack = { value: source.stack, writable: true, enumerable: stack.enumerable, configurable: stack.configurable }
  }
  for (const [key, value] of changes) descriptors[key] = { value, enumerable: true, writable: true, configurable: true }
  return Object.create(Object.getPrototypeOf(source) as object | null, descriptors) as Record<string, unknown>
}

function redact (value: unknown, censor: string, depth: number, skip: ReadonlySet<string> | undefined, anyObject: boolean): unknown {
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH || !(anyObject || isInspectable(value))) return value
  const source = value as Record<string, unknown>
  const array = Array.isArray(source)
  let changes: Array<[string, unknown]> | undefined
  for (const key in source) {
    if (skip?.has(key) === true) continue
    const item = source[key]
    const redacted = !array && item !== undefined && isSecretKey(key) ? censor : redact(item, censor, array ? depth : depth + 1, undefined, false)
    if (redacted !== item) (changes ??= []).push([key, redacted])
  }
  return changes === undefined ? value : copyWith(source, changes)
}

/**
 * `value` with the values of secret keys replaced by `censor`, four objects deep. Copies only
 * what it changes: an object without secrets is returned as it is, and nothing passed in is
 * modified. Plain objects, arrays and errors are looked into (see `isInspectable`).
 */
export function redactSecrets<T> (value: T, censor: string, options: RedactOptions = {}): T {
  return redact(value, censor, 0, options.skip, options.anyObject === true) as T
}
