import createError from '@fastify/error'
import type { CodedError } from '@obs/core'

// Registration errors: thrown from `register`, never per request. Codes are stable API.
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_METRICS_INVALID_OPTION', 'Invalid @obs/metrics option "%s": %s', 500, TypeError)

export const InvalidMetricNameError: CodedError<[string]> = createError(
  'OBS_METRICS_INVALID_NAME', 'Invalid metric name "%s": it must match [a-zA-Z_:][a-zA-Z0-9_:]*', 500, TypeError)

export const InvalidLabelNameError: CodedError<[string, string]> = createError(
  'OBS_METRICS_INVALID_LABEL', 'Invalid label name "%s" on %s: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "__"', 500, TypeError)

export const ReservedLabelError: CodedError<[string, string, string]> = createError(
  'OBS_METRICS_RESERVED_LABEL', 'Label "%s" on %s is reserved: %s', 500, TypeError)

export const InvalidBucketsError: CodedError<[string, string]> = createError(
  'OBS_METRICS_INVALID_BUCKETS', 'Invalid buckets for %s: %s', 500, TypeError)

export const AlreadyRegisteredError: CodedError = createError(
  'OBS_METRICS_ALREADY_REGISTERED', '@obs/metrics is already registered in this scope or one it inherits from: register it once, at the root', 500)

export const DuplicateMetricError: CodedError<[string]> = createError(
  'OBS_METRICS_DUPLICATE_METRIC', 'A metric named "%s" is already registered in this registry', 500)
