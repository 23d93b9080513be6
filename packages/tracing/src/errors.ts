import createError from '@fastify/error'
import type { CodedError } from '@obs/core'

// Registration and start-up errors: thrown by `register` or `initTracing`, never per request.
// Codes are stable API.
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_TRACING_INVALID_OPTION', 'Invalid @obs/tracing option "%s": %s', 500, TypeError)

export const InvalidArgumentError: CodedError<[string, string]> = createError(
  'OBS_TRACING_INVALID_ARGUMENT', 'Invalid argument "%s": %s', 500, TypeError)

export const AlreadyRegisteredError: CodedError = createError(
  'OBS_TRACING_ALREADY_REGISTERED', '@obs/tracing is already registered in this scope or one it inherits from: register it once, at the root', 500)
