import createError, { type FastifyErrorConstructor } from '@fastify/error'

// Each error names its type: the emitted .d.ts then imports FastifyErrorConstructor by name, which
// resolves for every consumer (`createError.FastifyErrorConstructor` fails without esModuleInterop).
type CodedError<Args extends unknown[] = []> = FastifyErrorConstructor<{ code: string }, Args>

// Registration errors: thrown from `register` or `addCheck`, never per probe. Codes are stable API.
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_HEALTH_INVALID_OPTION', 'Invalid @obs/health option "%s": %s', 500, TypeError)

export const InvalidCheckError: CodedError<[string, string]> = createError(
  'OBS_HEALTH_INVALID_CHECK', 'Invalid health check "%s": %s', 500, TypeError)

export const DuplicateCheckError: CodedError<[string]> = createError(
  'OBS_HEALTH_DUPLICATE_CHECK', 'A health check named "%s" is already registered', 500)
