export type ExpositionFormat = 'prometheus' | 'openmetrics'

export const CONTENT_TYPE: Readonly<Record<ExpositionFormat, string>> = Object.freeze({
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8'
})

// Headers longer than this are cut: a scraper's Accept is about 150 bytes.
const MAX_ACCEPT_LENGTH = 2048

/**
 * Picks the exposition format from an Accept header: OpenMetrics 1.0 when it is preferred
 * (Prometheus asks for it first), the Prometheus text format otherwise. Malformed or hostile
 * headers fall back to the text format; this never throws.
 */
export function negotiateFormat (accept: string | string[] | undefined): ExpositionFormat {
  if (accept === undefined) return 'prometheus'
  const header = (Array.isArray(accept) ? accept.join(',') : String(accept)).slice(0, MAX_ACCEPT_LENGTH).toLowerCase()
  if (!header.includes('openmetrics')) return 'prometheus'

  let openMetricsQ = -1
  let textQ = -1
  for (const range of header.split(',')) {
    const params = range.split(';')
    const type = params[0]!.trim()
    let q = 1
    let version: string | undefined
    for (let i = 1; i < params.length; i++) {
      const eq = params[i]!.indexOf('=')
      if (eq === -1) continue
      const key = params[i]!.slice(0, eq).trim()
      const value = params[i]!.slice(eq + 1).trim()
      if (key === 'q') {
        const parsed = Number(value)
        q = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 0
      } else if (key === 'version') {
        version = value
      }
    }
    if (q === 0) continue
    if (type === 'application/openmetrics-text') {
      // 1.0.0 is what we write; 0.0.1 is the draft Prometheus still lists and parses the same way.
      if (version === undefined || version === '1.0.0' || version === '0.0.1') openMetricsQ = Math.max(openMetricsQ, q)
    } else if (type === 'text/plain' || type === 'text/*' || type === '*/*') {
      textQ = Math.max(textQ, q)
    }
  }
  return openMetricsQ > 0 && openMetricsQ >= textQ ? 'openmetrics' : 'prometheus'
}
