/** What a secret path is replaced with in spans, as HTTP instrumentation writes its own redactions. */
const REDACTED = 'REDACTED'

/**
 * URLs whose path is a secret after a known prefix: incoming webhooks (Slack's
 * `https://hooks.slack.com/services/T…/B…/<secret>`) are authorized by their path alone, so a
 * client span's `url.full` would carry the credential to the collector. These are redacted by
 * default; a notifier of the suite adds the URLs it posts to (`addSecretUrlPrefix`).
 */
export const DEFAULT_SECRET_URL_PREFIXES: readonly string[] = Object.freeze([
  'https://hooks.slack.com/services/',
  'https://hooks.slack.com/workflows/',
  'https://hooks.slack.com/triggers/'
])

/**
 * The secret URL prefixes of one SDK. A URL that starts with one (scheme and host in any case)
 * keeps the prefix, and the rest (path and query) becomes `REDACTED`.
 */
export class SecretUrlPrefixes {
  private prefixes: readonly string[] = DEFAULT_SECRET_URL_PREFIXES.map(normalize)

  /**
   * Marks what follows `prefix` as secret, e.g. a webhook's own URL or its origin and first path
   * segment; the function returned unmarks it. A prefix that is not an http(s) URL is ignored.
   */
  add (prefix: string | URL): () => void {
    let normalized: string
    try {
      normalized = normalize(String(prefix))
    } catch {
      return () => {}
    }
    this.prefixes = [...this.prefixes, normalized]
    return () => {
      const at = this.prefixes.indexOf(normalized)
      if (at !== -1) this.prefixes = this.prefixes.filter((_, i) => i !== at)
    }
  }

  /** `url` with the secret part after a known prefix redacted; `url` itself when none matches. */
  redact (url: string): string {
    for (const prefix of this.prefixes) {
      if (url.length > prefix.length && url.slice(0, prefix.length).toLowerCase() === prefix) return `${url.slice(0, prefix.length)}${REDACTED}`
    }
    return url
  }
}

/** An http(s) URL as spans write it (`new URL(...).href`), lower-cased for matching. */
function normalize (prefix: string): string {
  const url = new URL(prefix)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('not an http(s) URL')
  return url.href.toLowerCase()
}
