import createError from '@fastify/error'

// Registration errors are thrown from `register` (or from `exportRules`), never per request or
// per evaluation. Codes are stable API.
export const InvalidOptionError = createError<[string, string]>(
  'OBS_ALERTS_INVALID_OPTION', 'Invalid @obs/alerts option "%s": %s', 500, TypeError)

export const InvalidRuleError = createError<[string, string]>(
  'OBS_ALERTS_INVALID_RULE', 'Invalid alert rule %s: %s', 500, TypeError)

export const DuplicateRuleError = createError<[string]>(
  'OBS_ALERTS_DUPLICATE_RULE', 'Two alert rules are named "%s": rule names must be unique', 500)

export const InvalidTemplateError = createError<[string, string]>(
  'OBS_ALERTS_INVALID_TEMPLATE', 'Invalid annotation template %s: %s', 500, TypeError)

export const UnknownChannelError = createError<[string, string]>(
  'OBS_ALERTS_UNKNOWN_CHANNEL', 'Unknown notification channel "%s" in %s: declare it under `notifiers`', 500, TypeError)

export const NotExportableError = createError<[string, string]>(
  'OBS_ALERTS_NOT_EXPORTABLE', 'Alert rule "%s" cannot be exported to Prometheus: %s', 500, TypeError)

// Runtime API errors (`app.alerts.raise()` with a bad alert).
export const InvalidAlertError = createError<[string]>(
  'OBS_ALERTS_INVALID_ALERT', 'Invalid alert: %s', 400, TypeError)

export const TooManyAlertsError = createError<[number]>(
  'OBS_ALERTS_TOO_MANY_ALERTS', 'Too many alerts raised by code are active (%d, the maxGroups limit): resolve some, or raise fewer distinct titles and labels', 503)

// Route errors.
export const UnauthorizedError = createError(
  'OBS_ALERTS_UNAUTHORIZED', 'Unauthorized', 401)

export const AlertNotFoundError = createError<[string]>(
  'OBS_ALERTS_NOT_FOUND', 'No alert with fingerprint "%s"', 404)
