import { InvalidOptionError } from '../errors.js'
import { DeliveryError } from './types.js'

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])

/**
 * POSTs JSON and turns every way it can fail into a DeliveryError with a reason: the endpoint
 * down or unreachable (`connection`, retried), too slow (`timeout`, retried), a 408/425/429/5xx
 * (`unavailable`, retried, honouring Retry-After), any other status (`rejected`, not retried: the same
 * request would fail again). Returns the response body.
 */
export async function postJson (url: string, body: unknown, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<string> {
  // Aborted by the channel: its reason says why (the time limit, or the app closing).
  const aborted = (): DeliveryError => signal.reason instanceof DeliveryError ? signal.reason : new DeliveryError(`no answer from ${redact(url)} in time`, 'timeout', true)
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': '@obs/alerts', ...headers },
      body: JSON.stringify(body),
      signal,
      redirect: 'error'
    })
  } catch (error) {
    if (signal.aborted) throw aborted()
    const cause = (error as { cause?: { code?: string, message?: string } }).cause
    throw new DeliveryError(`cannot reach ${redact(url)}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, 'connection', true)
  }
  let text = ''
  try {
    text = await response.text()
  } catch (error) {
    if (signal.aborted) throw aborted()
    throw new DeliveryError(`reading the answer of ${redact(url)} failed: ${(error as Error).message}`, 'connection', true)
  }
  if (response.ok) return text
  const detail = `${redact(url)} answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 200).replace(/\s+/g, ' ')}`}`
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

/** A URL for logs: webhook URLs carry secrets in their path (Slack) or credentials. */
export function redact (url: string): string {
  try {
    const u = new URL(url)
    const path = u.pathname.length > 12 ? `${u.pathname.slice(0, 12)}…` : u.pathname
    return `${u.protocol}//${u.host}${path}`
  } catch {
    return '(invalid URL)'
  }
}

/** Checks a notifier's URL at registration. */
export function checkHttpUrl (name: string, value: unknown): void {
  let ok = false
  try {
    const url = new URL(String(value))
    ok = typeof value === 'string' && (url.protocol === 'http:' || url.protocol === 'https:')
  } catch {}
  if (!ok) throw new InvalidOptionError(name, 'expected an http(s) URL')
}
