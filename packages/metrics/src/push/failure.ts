import { exportErrorType } from '@obs/core'

export class PushTimeoutError extends Error {
  override name = 'PushTimeoutError'
  readonly code = 'timeout'
}

/** The `error_type` of a failed push (`timeout` for one past its budget); see @obs/core's `exportErrorType`. */
export const pushErrorType = (error: unknown, componentType: string): string => exportErrorType(error, componentType === 'otlp_grpc_metric_exporter')

/** What a log line may say of an error: its message, shortened; never headers or a response body. */
export function failureMessage (error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.length > 200 ? `${message.slice(0, 200)}…` : message
}
