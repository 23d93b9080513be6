import { isSecretKey } from './redact-secrets.js'

// Query parameter names are often written in one word (`apikey`, `accesstoken`), so beyond the
// key rule these parts mark a secret anywhere in a name: API keys (`?key=` is how several LLM
// APIs take theirs), tokens, signatures and credentials of pre-signed URLs, passwords, sessions.
const SECRET_PARAM = /token|secret|passw(?:or)?d|api[-_]?key|access[-_]?key|signature|credential|session|^sig$|^key$|^auth(?:orization)?$/i

/**
 * Whether a query parameter's value is a secret: the one rule for secrets in URLs, applied to
 * the URLs that client and server spans record and to the request URLs the logger preset logs.
 */
export function isSecretParam (name: string): boolean {
  return SECRET_PARAM.test(name) || isSecretKey(name)
}

/** `url` with the values of secret-bearing query parameters replaced by `censor`. Never throws. */
export function redactUrl (url: string, censor: string): string {
  const query = url.indexOf('?')
  if (query === -1) return url
  const end = url.indexOf('#', query)
  const search = end === -1 ? url.slice(query + 1) : url.slice(query + 1, end)
  let changed = false
  const params = search.split('&').map((param) => {
    const equals = param.indexOf('=')
    if (equals === -1) return param
    const name = param.slice(0, equals)
    let decoded = name
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '))
    } catch {}
    if (!isSecretParam(decoded)) return param
    changed = true
    return `${name}=${censor}`
  })
  return changed ? `${url.slice(0, query + 1)}${params.join('&')}${end === -1 ? '' : url.slice(end)}` : url
}

// A query parameter anywhere in text (a log line, the URL in Fastify's "Route GET:/x?token=…
// not found" message): a name after `?` or `&`, then `=` and a value that runs to the next `&`,
// `#`, space or quote. The value may hold JSON escapes (`\"`), so that the line's own escaping
// cannot end it early.
const PARAM_IN_TEXT = /([?&])([^=&#?\s"\\]+)=((?:[^&#\s"\\]|\\.)*)/g

/**
 * `text` with the values of secret query parameters replaced by `censor`, wherever a URL stands
 * in it. Text without a `?` is returned as it is at the cost of one search.
 */
export function redactUrlsInText (text: string, censor: string): string {
  if (!text.includes('?')) return text
  return text.replace(PARAM_IN_TEXT, (param: string, separator: string, name: string) => {
    let decoded = name
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '))
    } catch {}
    return isSecretParam(decoded) ? `${separator}${name}=${censor}` : param
  })
}
