import createError from '@fastify/error'

// Registration and start-up errors: thrown by `register` or `initTracing`, never per request.
// Codes are stable API.
export const InvalidOptionError = createError<[string, string]>(
  'OBS_TRACING_INVALID_OPTION', 'Invalid @obs/tracing option "%s": %s', 500, TypeError)

export const InvalidArgumentError = createError<[string, string]>(
  'OBS_TRACING_INVALID_ARGUMENT', 'Invalid argument "%s": %s', 500, TypeError)

export const AlreadyRegisteredError = createError(
  'OBS_TRACING_ALREADY_REGISTERED', '@obs/tracing is already registered in this scope or one it inherits from: register it once, at the root', 500)
