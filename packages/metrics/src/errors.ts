import createError from '@fastify/error'

// Registration errors: thrown from `register`, never per request. Codes are stable API.
export const InvalidOptionError = createError<[string, string]>(
  'OBS_METRICS_INVALID_OPTION', 'Invalid @obs/metrics option "%s": %s', 500, TypeError)

export const InvalidMetricNameError = createError<[string]>(
  'OBS_METRICS_INVALID_NAME', 'Invalid metric name "%s": it must match [a-zA-Z_:][a-zA-Z0-9_:]*', 500, TypeError)

export const InvalidLabelNameError = createError<[string, string]>(
  'OBS_METRICS_INVALID_LABEL', 'Invalid label name "%s" on %s: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "__"', 500, TypeError)

export const ReservedLabelError = createError<[string, string, string]>(
  'OBS_METRICS_RESERVED_LABEL', 'Label "%s" on %s is reserved: %s', 500, TypeError)

export const InvalidBucketsError = createError<[string, string]>(
  'OBS_METRICS_INVALID_BUCKETS', 'Invalid buckets for %s: %s', 500, TypeError)

export const DuplicateMetricError = createError<[string]>(
  'OBS_METRICS_DUPLICATE_METRIC', 'A metric named "%s" is already registered in this registry', 500)
