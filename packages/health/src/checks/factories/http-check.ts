import type { CheckFunction } from '../check-result.js'

export interface HttpCheckOptions {
  method?: string
  headers?: Record<string, string>
  /** Which status codes pass; by default any below 400. */
  expectStatus?: number[] | ((status: number) => boolean)
}

/**
 * An HTTP dependency: passes when `url` answers with an expected status (redirects are not
 * followed). Credentials in the URL are sent as Basic auth and never shown in results.
 */
export function httpCheck (url: string | URL, options: HttpCheckOptions = {}): CheckFunction {
  const target = new URL(url)
  const headers: Record<string, string> = { ...options.headers }
  if (target.username !== '' || target.password !== '') {
    const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`
    headers.authorization ??= `Basic ${Buffer.from(credentials).toString('base64')}`
    target.username = ''
    target.password = ''
  }
  const shown = `${target.protocol}//${target.host}${target.pathname}`
  const { expectStatus } = options
  const expected = typeof expectStatus === 'function'
    ? expectStatus
    : Array.isArray(expectStatus) ? (status: number) => expectStatus.includes(status) : (status: number) => status < 400
  return async ({ signal }) => {
    const response = await fetch(target, { method: options.method ?? 'GET', headers, signal, redirect: 'manual' })
    await response.body?.cancel()
    const details = { url: shown, statusCode: response.status }
    return expected(response.status) ? { status: 'pass', details } : { status: 'fail', details }
  }
}
