import { errorType } from '@obs/core'

/** gRPC status codes by number, as grpc-js and the gRPC specification name them. */
const GRPC_STATUS = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'
]

/**
 * `error_type` of a failed export, as the conventions suggest: the HTTP status code (`"503"`) of
 * a collector that refused over HTTP, the gRPC status (`UNAVAILABLE`) over gRPC, else the
 * error's code or name (`ECONNREFUSED`, `Error` for a timeout).
 */
export function exportErrorType (error: unknown, grpc: boolean): string {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined
  if (typeof code === 'number' && Number.isInteger(code)) {
    return grpc ? GRPC_STATUS[code] ?? String(code) : String(code)
  }
  return error === undefined ? 'export_failed' : errorType(error)
}
