/** The text formats, and the protobuf format (length-delimited MetricFamily messages). */
export type ExpositionFormat = 'prometheus' | 'openmetrics' | 'protobuf'

export const CONTENT_TYPE: Readonly<Record<ExpositionFormat, string>> = Object.freeze({
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  protobuf: 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'
})

// Headers longer than this are cut: a scraper's Accept is about 150 bytes.
const MAX_ACCEPT_LENGTH = 2048

/**
 * Picks the exposition format from an Accept header: the one with the highest q value among
 * protobuf (delimited MetricFamily messages, which Prometheus asks for first when native
 * histograms are on), OpenMetrics 1.0 (which it asks for first otherwise) and the Prometheus
 * text format; on a tie, in that order. With `protobuf: false`, only the text formats compete.
 * Malformed or hostile headers fall back to the text format; this never throws.
 */
export function negotiateFormat (accept: string | string[] | undefined, options: { protobuf?: boolean } = {}): ExpositionFormat {
  const protobuf = options.protobuf ?? true
  if (accept === undefined) return 'prometheus'
  const header = (Array.isArray(accept) ? accept.join(',') : String(accept)).slice(0, MAX_ACCEPT_LENGTH).toLowerCase()
  if (!header.includes('openmetrics') && !header.includes('protobuf')) return 'prometheus'

  let protobufQ = -1
  let openMetricsQ = -1
  let textQ = -1
  for (const range of header.split(',')) {
    const params = range.split(';')
    const type = params[0]!.trim()
    let q = 1
    let version: string | undefined
    let proto: string | undefined
    let encoding: string | undefined
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
      } else if (key === 'proto') {
        proto = value
      } else if (key === 'encoding') {
        encoding = value
      }
    }
    if (q === 0) continue
    if (type === 'application/vnd.google.protobuf') {
      if (!protobuf) continue
      // Only the delimited encoding of MetricFamily messages; the text encodings are not written.
      if (proto === 'io.prometheus.client.metricfamily' && encoding === 'delimited') protobufQ = Math.max(protobufQ, q)
    } else if (type === 'application/openmetrics-text') {
      // 1.0.0 is what we write; 0.0.1 is the draft Prometheus still lists and parses the same way.
      if (version === undefined || version === '1.0.0' || version === '0.0.1') openMetricsQ = Math.max(openMetricsQ, q)
    } else if (type === 'text/plain' || type === 'text/*' || type === '*/*') {
      textQ = Math.max(textQ, q)
    }
  }
  if (protobufQ > 0 && protobufQ >= openMetricsQ && protobufQ >= textQ) return 'protobuf'
  return openMetricsQ > 0 && openMetricsQ >= textQ ? 'openmetrics' : 'prometheus'
}
