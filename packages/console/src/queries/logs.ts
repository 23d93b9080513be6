import type { LogStore } from '../stores/log-store.js'

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const
export type LevelName = typeof LEVELS[number]

/** pino's numbers for its levels; the @obs/tracing preset writes the names instead. */
const BY_NUMBER = new Map<number, LevelName>([[10, 'trace'], [20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error'], [60, 'fatal']])

export interface LogLine {
  seq: number
  /** Milliseconds since the epoch, when the line has a time. */
  time: number | null
  level: string
  msg: string
  traceId: string | null
  spanId: string | null
  /** Every other field of the line. */
  fields: Record<string, unknown>
}

export interface LogQuery {
  /** The least level shown. */
  level?: LevelName | undefined
  /** Lines that contain this text (any case), anywhere in the raw line. */
  text?: string | undefined
  /** Only lines after this sequence number (a page that polls). */
  after?: number | undefined
  /** The newest lines, at most. */
  limit: number
}

function levelName (value: unknown): string {
  if (typeof value === 'number') return BY_NUMBER.get(value) ?? String(value)
  return typeof value === 'string' ? value : 'info'
}

const rank = (level: string): number => LEVELS.indexOf(level as LevelName)

function parse (seq: number, raw: string): LogLine {
  let fields: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(raw)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('not an object')
    fields = parsed as Record<string, unknown>
  } catch {
    // Not JSON (a pretty printer, a stray write): shown as it is.
    return { seq, time: null, level: 'info', msg: raw, traceId: null, spanId: null, fields: {} }
  }
  const { time, level, msg, trace_id: traceId, span_id: spanId, ...rest } = fields
  const when = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : NaN
  return {
    seq,
    time: Number.isFinite(when) ? when : null,
    level: levelName(level),
    msg: typeof msg === 'string' ? msg : '',
    traceId: typeof traceId === 'string' ? traceId : null,
    spanId: typeof spanId === 'string' ? spanId : null,
    fields: rest
  }
}

/** The newest lines that pass the filter, oldest first; parsed now, never when written. */
export function queryLogs (store: LogStore, query: LogQuery): LogLine[] {
  const text = query.text?.toLowerCase()
  const least = query.level === undefined ? -1 : rank(query.level)
  const out: LogLine[] = []
  for (const [seq, raw] of store.entries()) {
    if (query.after !== undefined && seq <= query.after) continue
    if (text !== undefined && !raw.toLowerCase().includes(text)) continue
    const line = parse(seq, raw)
    // Levels outside pino's six (custom ones) pass a level filter.
    if (least > 0 && rank(line.level) !== -1 && rank(line.level) < least) continue
    out.push(line)
  }
  return out.slice(-query.limit)
}
