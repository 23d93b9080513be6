import createError from '@fastify/error'
import type { CodedError } from '@obs/core'

/** A bad or unknown option: thrown from `register`, never per request. */
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_CONSOLE_INVALID_OPTION', 'Invalid @obs/console option "%s": %s', 500, TypeError)

/** A second registration in one line of scopes: thrown from `register`. */
export const AlreadyRegisteredError: CodedError = createError(
  'OBS_CONSOLE_ALREADY_REGISTERED', '@obs/console is already registered in this scope or one it inherits from: register it once, at the root', 500)

/** 401 from a console route when `auth` is set and the request does not pass it. */
export const UnauthorizedError: CodedError = createError(
  'OBS_CONSOLE_UNAUTHORIZED', 'The console needs valid credentials', 401)

/** 404 from the API: a trace or metric the console does not hold. */
export const NotFoundError: CodedError<[string, string]> = createError(
  'OBS_CONSOLE_NOT_FOUND', 'No %s "%s" here', 404)
