import createError from '@fastify/error'
import type { CodedError } from '@obs/core'

// Registration errors are thrown from `register` (or from `exportRules`), never per request or
// per evaluation. Codes are stable API.
export const InvalidOptionError: CodedError<[string, string]> = createError(
  'OBS_ALERTS_INVALID_OPTION', 'Invalid @obs/alerts option "%s": %s', 500, TypeError)

export const AlreadyRegisteredError: CodedError = createError(
  'OBS_ALERTS_ALREADY_REGISTERED', '@obs/alerts is already registered in this scope or one it inherits from: register it once, at the root', 500)

export const InvalidRuleError: CodedError<[string, string]> = createError(
  'OBS_ALERTS_INVALID_RULE', 'Invalid alert rule %s: %s', 500, TypeError)

export const DuplicateRuleError: CodedError<[string]> = createError(
  'OBS_ALERTS_DUPLICATE_RULE', 'Two alert rules are named "%s": rule names must be unique', 500)

export const InvalidTemplateError: CodedError<[string, string]> = createError(
  'OBS_ALERTS_INVALID_TEMPLATE', 'Invalid annotation template %s: %s', 500, TypeError)

export const UnknownChannelError: CodedError<[string, string]> = createError(
  'OBS_ALERTS_UNKNOWN_CHANNEL', 'Unknown notification channel "%s" in %s: declare it under `notifiers`', 500, TypeError)

export const NotExportableError: CodedError<[string, string]> = createError(
  'OBS_ALERTS_NOT_EXPORTABLE', 'Alert rule "%s" cannot be exported to Prometheus: %s', 500, TypeError)

export const ConflictingMatchersError: CodedError<[string, string, string]> = createError(
  'OBS_ALERTS_CONFLICTING_MATCHERS', 'Alert rule "%s" matches %s and the export adds %s: no series has both, so the rule would never match', 500, TypeError)

// Runtime API errors (`app.alerts.raise()` with a bad alert).
export const InvalidAlertError: CodedError<[string]> = createError(
  'OBS_ALERTS_INVALID_ALERT', 'Invalid alert: %s', 400, TypeError)

export const TooManyAlertsError: CodedError<[number]> = createError(
  'OBS_ALERTS_TOO_MANY_ALERTS', 'Too many alerts raised by code are active (%d, the maxGroups limit): resolve some, or raise fewer distinct titles and labels', 503)

// Route errors.
export const UnauthorizedError: CodedError = createError(
  'OBS_ALERTS_UNAUTHORIZED', 'Unauthorized', 401)

export const AckNotAllowedError: CodedError = createError(
  'OBS_ALERTS_ACK_NOT_ALLOWED', 'Acknowledging over HTTP needs ackAuth (or auth); ackAuth: "open" lets anyone who reaches the port silence a page', 403)

export const AlertNotFoundError: CodedError<[string]> = createError(
  'OBS_ALERTS_NOT_FOUND', 'No alert with fingerprint "%s"', 404)
