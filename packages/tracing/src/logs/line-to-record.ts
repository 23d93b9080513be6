import { ROOT_CONTEXT, SeverityNumber, trace, type Context, type LogRecord } from '@opentelemetry/api'

/** pino's levels by name, as OpenTelemetry severities (the log data model's mapping table). */
const SEVERITY_BY_LABEL: Readonly<Record<string, SeverityNumber>> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL
}

/** A numeric pino level (10 … 60, or a custom one between) as a severity. */
function severityOfNumber (level: number): SeverityNumber {
  if (level <= 10) return SeverityNumber.TRACE
  if (level <= 20) return SeverityNumber.DEBUG
  if (level <= 30) return SeverityNumber.INFO
  if (level <= 40) return SeverityNumber.WARN
  if (level <= 50) return SeverityNumber.ERROR
  return SeverityNumber.FATAL
}

/**
 * Fields a record carries elsewhere than in its attributes: its own fields (time, severity, body,
 * trace context) and the resource (`service.*`, `deployment.environment.name`, the pid and host).
 */
const CARRIED_ELSEWHERE = new Set([
  'level', 'time', 'msg', 'trace_id', 'span_id', 'trace_flags',
  'pid', 'hostname', 'service.name', 'service.version', 'deployment.environment.name'
])

const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^[0-9a-f]{16}$/

/**
 * The trace context a line names; the root context when it names none, so that a record never
 * takes the trace of whatever span happens to be active when it is written.
 */
function traceContext (fields: Record<string, unknown>): Context {
  const { trace_id: traceId, span_id: spanId, trace_flags: flags } = fields
  if (typeof traceId !== 'string' || typeof spanId !== 'string' || !TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) return ROOT_CONTEXT
  const traceFlags = typeof flags === 'string' ? Number.parseInt(flags, 16) & 0xff : 0
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: Number.isNaN(traceFlags) ? 0 : traceFlags, isRemote: false })
}

/** pino's serialized error (`type`, `message`, `stack`) as the conventions' `exception.*` attributes. */
function exceptionAttributes (err: unknown, attributes: Record<string, unknown>): void {
  if (err === null || typeof err !== 'object' || Array.isArray(err)) {
    attributes.err = err
    return
  }
  const { type, message, stack, ...rest } = err as Record<string, unknown>
  if (typeof type === 'string') attributes['exception.type'] = type
  if (typeof message === 'string') attributes['exception.message'] = message
  if (typeof stack === 'string') attributes['exception.stacktrace'] = stack
  if (Object.keys(rest).length > 0) attributes.err = rest
}

/**
 * One JSON line as pino wrote it (redaction already applied) as an OpenTelemetry log record:
 * `msg` the body, the level the severity, `time` the timestamp, `trace_id`/`span_id`/`trace_flags`
 * the record's trace context, every other field an attribute (objects as maps). Undefined for a
 * line that is not a JSON object.
 */
export function lineToRecord (line: string): LogRecord | undefined {
  let fields: unknown
  try {
    fields = JSON.parse(line)
  } catch {
    return undefined
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return undefined
  const object = fields as Record<string, unknown>
  const attributes: Record<string, unknown> = {}
  for (const key in object) {
    if (CARRIED_ELSEWHERE.has(key)) continue
    if (key === 'err') exceptionAttributes(object[key], attributes)
    else attributes[key] = object[key]
  }
  const { level, time, msg } = object
  const record: LogRecord = { context: traceContext(object), attributes: attributes as LogRecord['attributes'] }
  if (typeof level === 'string') {
    record.severityText = level
    const severity = SEVERITY_BY_LABEL[level]
    if (severity !== undefined) record.severityNumber = severity
  } else if (typeof level === 'number') {
    record.severityNumber = severityOfNumber(level)
  }
  if (typeof time === 'string' || typeof time === 'number') {
    const date = new Date(time)
    if (!Number.isNaN(date.getTime())) record.timestamp = date
  }
  if (msg !== undefined) record.body = typeof msg === 'string' ? msg : JSON.stringify(msg)
  return record
}
