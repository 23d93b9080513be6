import createError from '@fastify/error'
import type { CodedError } from '@obs/core'

// Registration errors: thrown from `register` or `addCheck`, never per probe. Codes are stable API.
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_HEALTH_INVALID_OPTION', 'Invalid @obs/health option "%s": %s', 500, TypeError)

export const InvalidCheckError: CodedError<[string, string]> = createError(
  'OBS_HEALTH_INVALID_CHECK', 'Invalid health check "%s": %s', 500, TypeError)

export const DuplicateCheckError: CodedError<[string]> = createError(
  'OBS_HEALTH_DUPLICATE_CHECK', 'A health check named "%s" is already registered', 500)

export const AlreadyRegisteredError: CodedError = createError(
  'OBS_HEALTH_ALREADY_REGISTERED', '@obs/health is already registered in this scope or one it inherits from: register it once, at the root', 500)

// Answered to a request for one check (`GET /health/ready/:check`), never thrown at registration.
export const UnknownCheckError: CodedError<[string, string]> = createError(
  'OBS_HEALTH_UNKNOWN_CHECK', 'There is no health check named "%s" in the %s probe', 404)
