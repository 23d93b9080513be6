import createError from '@fastify/error'

// Registration errors: thrown from `register` or `addCheck`, never per probe. Codes are stable API.
export const InvalidOptionError = createError<[string, string]>(
  'OBS_HEALTH_INVALID_OPTION', 'Invalid @obs/health option "%s": %s', 500, TypeError)

export const InvalidCheckError = createError<[string, string]>(
  'OBS_HEALTH_INVALID_CHECK', 'Invalid health check "%s": %s', 500, TypeError)

export const DuplicateCheckError = createError<[string]>(
  'OBS_HEALTH_DUPLICATE_CHECK', 'A health check named "%s" is already registered', 500)
