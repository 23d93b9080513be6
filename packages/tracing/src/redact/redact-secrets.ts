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
 * Objects looked into: any, whatever its prototype. Fastify's `request.query` and
 * `request.params` have prototypes of their own (neither `Object.prototype` nor null), and so
 * have an HTTP client's errors that carry their request's headers. Binary data is not: its
 * bytes have no keys worth a look.
 */
function isInspectable (value: object): boolean {
  return !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)
}

export interface RedactOptions {
  /** Keys of the top object not to look into (their values are serialized on their own). */
  skip?: ReadonlySet<string>
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

function redact (value: unknown, censor: string, depth: number, skip: ReadonlySet<string> | undefined): unknown {
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH || !isInspectable(value)) return value
  const source = value as Record<string, unknown>
  const array = Array.isArray(source)
  let changes: Array<[string, unknown]> | undefined
  try {
    for (const key in source) {
      if (skip?.has(key) === true) continue
      const item = source[key]
      const redacted = !array && item !== undefined && isSecretKey(key) ? censor : redact(item, censor, array ? depth : depth + 1, undefined)
      if (redacted !== item) (changes ??= []).push([key, redacted])
    }
  } catch {
    // A getter that throws (or a revoked proxy): what it guards cannot be read, so cannot leak.
    return value
  }
  return changes === undefined ? value : copyWith(source, changes)
}

/**
 * `value` with the values of secret keys replaced by `censor`, four objects deep. Copies only
 * what it changes: an object without secrets is returned as it is, and nothing passed in is
 * modified. Objects of any class are looked into, binary data is not (see `isInspectable`).
 */
export function redactSecrets<T> (value: T, censor: string, options: RedactOptions = {}): T {
  return redact(value, censor, 0, options.skip) as T
}
