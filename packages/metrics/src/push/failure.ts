import { errorType } from '@obs/core'

// gRPC status codes by number, as grpc-js names them (status.UNAVAILABLE is 14).
const GRPC_STATUS = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL',
  'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED']

export class PushTimeoutError extends Error {
  override name = 'PushTimeoutError'
  readonly code = 'timeout'
}

/**
 * The `error_type` of a failed push: an HTTP status as a number (`503`), a gRPC status by name
 * (`UNAVAILABLE`), a socket error by code (`ECONNREFUSED`), `timeout`, else the error's name.
 */
export function pushErrorType (error: unknown, componentType: string): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'number') {
    if (componentType === 'otlp_grpc_metric_exporter') return GRPC_STATUS[code] ?? String(code)
    return String(code)
  }
  // A socket error behind an OTLP or StatsD failure carries the useful code.
  const cause = (error as { cause?: unknown } | null)?.cause
  if (typeof code !== 'string' && cause !== undefined) return errorType(cause)
  return errorType(error)
}

/** What a log line may say of an error: its message, shortened; never headers or a response body. */
export function failureMessage (error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.length > 200 ? `${message.slice(0, 200)}…` : message
}
