/** The latest request that fell in one bucket of a route's duration histogram. */
export interface Exemplar {
  method: string
  route: string
  status: string
  /** The bucket's upper bound, in seconds (`+Inf` as Infinity → null in JSON). */
  le: number | null
  traceId: string
  /** The request's duration, in seconds. */
  seconds: number
  /** When it was recorded, milliseconds since the epoch. */
  at: number | null
}

const PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
const unescape = (value: string): string => value.replace(/\\(.)/g, (_, c: string) => c === 'n' ? '\n' : c)

function labels (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [, name, value] of text.matchAll(PAIR)) out[name!] = unescape(value!)
  return out
}

/**
 * The exemplars of the request duration histogram, read from @obs/metrics' OpenMetrics
 * exposition (the only place it writes them): per route, its slowest requests first.
 */
export function parseExemplars (openMetrics: string, family: string): Exemplar[] {
  const out: Exemplar[] = []
  const start = `${family}_bucket{`
  for (const line of openMetrics.split('\n')) {
    if (!line.startsWith(start)) continue
    const hash = line.indexOf('} ', start.length)
    const mark = line.indexOf(' # {', hash)
    if (hash === -1 || mark === -1) continue
    const series = labels(line.slice(start.length, hash))
    const close = line.indexOf('} ', mark)
    if (close === -1) continue
    const exemplar = labels(line.slice(mark + 4, close))
    const [value, timestamp] = line.slice(close + 2).trim().split(' ')
    const traceId = exemplar.trace_id
    if (traceId === undefined || series.route === undefined) continue
    out.push({
      method: series.method ?? '',
      route: series.route,
      status: series.status_code ?? '',
      le: series.le === undefined || series.le === '+Inf' ? null : Number(series.le),
      traceId,
      seconds: Number(value),
      at: timestamp === undefined ? null : Math.round(Number(timestamp) * 1000)
    })
  }
  return out.sort((a, b) => b.seconds - a.seconds)
}
