import { isHttpUrl } from '@obs/core'
import { InvalidOptionError } from '../errors.js'
import { DeliveryError } from './types.js'

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])

/** Of an answer, only this much is read (for the log line of a failure): the rest is never loaded. */
const MAX_ANSWER_BYTES = 4096

/** The first `max` bytes of a response body, as text; the rest is cancelled unread. */
async function readPrefix (response: Response, max: number): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < max) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value.subarray(0, max - size))
      size += Math.min(value.byteLength, max - size)
    }
  } finally {
    // Frees the connection without reading the rest (a giant or endless answer).
    reader.cancel().catch(() => {})
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** Where a notifier POSTs: a URL without credentials, the headers that go with it, and how logs show it. */
export interface Endpoint {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** Scheme and host only: webhook paths (Slack's) hold secrets, and so may query strings. */
  readonly shown: string
  /** What must never reach a log: the URL's password, path and query. */
  readonly secrets: readonly string[]
  /** Scheme and host, then `/`: what follows it (path and query) is what logs and spans never show. */
  readonly origin: string
}

/**
 * The endpoint of a checked URL. `fetch` refuses URLs with credentials (`https://user:pass@host/`):
 * they are sent as Basic auth instead (unless `headers` has an Authorization), as @obs/health's
 * HTTP check does, and kept out of the URL, of logs and of errors.
 */
export function endpoint (url: string, headers: Readonly<Record<string, string>> = {}): Endpoint {
  const target = new URL(url)
  const own: Record<string, string> = { ...headers }
  const secrets = [url, target.pathname, target.search, target.password, decodeURIComponent(target.password)].filter((part) => part.length > 1)
  if (target.username !== '' || target.password !== '') {
    const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`
    if (!Object.keys(own).some((name) => name.toLowerCase() === 'authorization')) own.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
    target.username = ''
    target.password = ''
  }
  const origin = `${target.protocol}//${target.host}/`
  return { url: target.href, headers: own, shown: target.pathname === '/' && target.search === '' ? origin : `${origin}…`, secrets: [target.href, ...secrets], origin }
}

/** A message with every secret of the endpoint replaced. */
function scrub (text: string, to: Endpoint): string {
  let out = text
  for (const secret of to.secrets) out = out.split(secret).join('…')
  return out
}

/**
 * POSTs JSON and turns every way it can fail into a DeliveryError with a reason: the endpoint
 * down or unreachable (`connection`, retried), too slow (`timeout`, retried), a 408/425/429/5xx
 * (`unavailable`, retried, honouring Retry-After), any other status (`rejected`, not retried: the same
 * request would fail again). Returns the start of the answer (at most 4 KiB).
 */
export async function postJson (to: Endpoint, body: unknown, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<string> {
  const shown = to.shown
  // Aborted by the channel: its reason says why (the time limit, or the app closing).
  const aborted = (): DeliveryError => signal.reason instanceof DeliveryError ? signal.reason : new DeliveryError(`no answer from ${shown} in time`, 'timeout', true)
  let response: Response
  try {
    response = await fetch(to.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': '@obs/alerts', ...to.headers, ...headers },
      body: JSON.stringify(body),
      signal,
      redirect: 'error'
    })
  } catch (error) {
    if (signal.aborted) throw aborted()
    const cause = (error as { cause?: { code?: string, message?: string } }).cause
    throw new DeliveryError(`cannot reach ${shown}: ${scrub(cause?.code ?? cause?.message ?? (error as Error).message, to)}`, 'connection', true)
  }
  let text = ''
  try {
    text = await readPrefix(response, MAX_ANSWER_BYTES)
  } catch (error) {
    if (signal.aborted) throw aborted()
    throw new DeliveryError(`reading the answer of ${shown} failed: ${scrub((error as Error).message, to)}`, 'connection', true)
  }
  if (response.ok) return text
  const detail = `${shown} answered ${response.status}${text === '' ? '' : `: ${scrub(text, to).slice(0, 200).replace(/\s+/g, ' ')}`}`
  if (RETRYABLE_STATUS.has(response.status)) throw new DeliveryError(detail, 'unavailable', true, retryAfter(response.headers.get('retry-after')))
  throw new DeliveryError(detail, 'rejected', false)
}

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
export function retryAfter (header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Checks a notifier's URL at registration. */
export function checkHttpUrl (name: string, value: unknown): void {
  if (!isHttpUrl(value)) throw new InvalidOptionError(name, 'expected an http(s) URL')
}
