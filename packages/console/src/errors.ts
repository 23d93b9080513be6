import createError, { type FastifyErrorConstructor } from '@fastify/error'

// Each error names its type: the emitted .d.ts then imports FastifyErrorConstructor by name, which
// resolves for every consumer (`createError.FastifyErrorConstructor` fails without esModuleInterop).
type CodedError<Args extends unknown[] = []> = FastifyErrorConstructor<{ code: string }, Args>

/** A bad or unknown option: thrown from `register`, never per request. */
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_CONSOLE_INVALID_OPTION', 'Invalid @obs/console option "%s": %s', 500, TypeError)

/** 401 from a console route when `auth` is set and the request does not pass it. */
export const UnauthorizedError: CodedError = createError(
  'OBS_CONSOLE_UNAUTHORIZED', 'The console needs valid credentials', 401)

/** 404 from the API: a trace or metric the console does not hold. */
export const NotFoundError: CodedError<[string, string]> = createError(
  'OBS_CONSOLE_NOT_FOUND', 'No %s "%s" here', 404)
