import createError, { type FastifyErrorConstructor } from '@fastify/error'

// Each error names its type: the emitted .d.ts then imports FastifyErrorConstructor by name, which
// resolves for every consumer (`createError.FastifyErrorConstructor` fails without esModuleInterop).
type CodedError<Args extends unknown[] = []> = FastifyErrorConstructor<{ code: string }, Args>

// Thrown from `register`, never per request. Codes are stable API. The parts' own options are
// checked by the parts, with their own codes (OBS_METRICS_…, OBS_HEALTH_…).
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_SETUP_INVALID_OPTION', 'Invalid @obs/setup option "%s": %s', 500, TypeError)
