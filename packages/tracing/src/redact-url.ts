// Query parameters whose values are secrets: API keys (`?key=` is how several LLM APIs take
// theirs), tokens, signatures of pre-signed URLs, passwords, sessions.
const SECRET_PARAM = /token|secret|passw(or)?d|api[-_]?key|signature|credential|session|^sig$|^key$|^auth(orization)?$/i

/**
 * The same rule as a list of names, for HTTP instrumentation (which matches names exactly):
 * its own defaults first, then the common spellings of the others.
 */
export const SECRET_QUERY_PARAMS: readonly string[] = Object.freeze([
  'sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature',
  'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token', 'X-Goog-Credential',
  'key', 'api_key', 'apikey', 'api-key', 'apiKey', 'token', 'access_token', 'accessToken', 'refresh_token',
  'id_token', 'auth', 'authorization', 'password', 'passwd', 'secret', 'client_secret', 'signature', 'session', 'sessionid'
])

export function isSecretParam (name: string): boolean {
  return SECRET_PARAM.test(name)
}

/** `url` with the values of secret-bearing query parameters replaced by `censor`. Never throws. */
export function redactUrl (url: string, censor: string): string {
  const query = url.indexOf('?')
  if (query === -1) return url
  const end = url.indexOf('#', query)
  const search = end === -1 ? url.slice(query + 1) : url.slice(query + 1, end)
  const params = search.split('&').map((param) => {
    const equals = param.indexOf('=')
    if (equals === -1) return param
    const name = param.slice(0, equals)
    let decoded = name
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '))
    } catch {}
    return isSecretParam(decoded) ? `${name}=${censor}` : param
  })
  return `${url.slice(0, query + 1)}${params.join('&')}${end === -1 ? '' : url.slice(end)}`
}
