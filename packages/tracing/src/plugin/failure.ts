import { errorType } from '@obs/core'
import { SpanStatusCode, type Span } from '@opentelemetry/api'
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions'
import type { Failure } from '../symbols.js'

/**
 * What `Span.recordException` accepts, from anything that was thrown: Errors as they are, other
 * objects by their message, name and stack, the rest as a string. Never throws, whatever the
 * value (hostile getters, objects without a prototype).
 */
export function asException (error: unknown): Error | string {
  if (error instanceof Error) return error
  try {
    if (error !== null && typeof error === 'object') {
      const { message, name, stack } = error as { message?: unknown, name?: unknown, stack?: unknown }
      if (typeof message === 'string') {
        const exception = new Error(message)
        exception.name = typeof name === 'string' ? name : 'Error'
        exception.stack = typeof stack === 'string' ? stack : undefined
        return exception
      }
    }
    return String(error)
  } catch {
    return 'a thrown value that cannot be described'
  }
}

/**
 * Marks `span` failed: status ERROR with the error's message, `error.type`, and the exception
 * as an event. `error` undefined means a failure without an exception (a bare 5xx): then
 * `fallbackType` is the `error.type`.
 */
export function recordFailure (span: Span, error: unknown, fallbackType: string): Failure {
  if (error === undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR })
    span.setAttribute(ATTR_ERROR_TYPE, fallbackType)
    return { message: undefined, type: fallbackType }
  }
  const exception = asException(error)
  let message: string
  try {
    message = typeof exception === 'string' ? exception : String(exception.message)
    span.recordException(exception)
  } catch {
    message = 'a thrown value that cannot be described'
  }
  const type = errorType(error)
  span.setStatus({ code: SpanStatusCode.ERROR, message })
  span.setAttribute(ATTR_ERROR_TYPE, type)
  return { message, type }
}
