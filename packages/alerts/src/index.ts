import plugin from './plugin.js'

export default plugin
export { obsAlerts, type ObsAlerts } from './plugin.js'
export { type AlertsPluginOptions, defaults } from './options.js'
export type { AlertsAuth } from './api/auth.js'
export type { NotifierConfig } from './delivery/notifiers/index.js'
export type { CustomNotifierConfig } from './delivery/notifiers/custom.js'
export type { DeliverySettings } from './delivery/settings.js'
export type { Routing } from './delivery/routing.js'
export type {
  Rule, RuleInput, RuleSource, RuleKind, RuleCommon, EventRuleCommon, Threshold, Severity, LabelMatcher, LabelMatchers,
  ErrorRatioRule, LatencyRule, RateRule, GaugeRule, GaugeAggregation, SloRule, BurnRateWindow, AbsentRule, CustomRule,
  CustomContext, CustomResult
} from './rules/types.js'
export { SEVERITIES } from './rules/types.js'
export { rules, ErrorRatioBuilder, LatencyBuilder, RateBuilder, GaugeBuilder, SloBuilder, AbsentBuilder, CustomBuilder } from './rules/builders.js'
export { DEFAULT_BURN_RATE_WINDOWS } from './rules/normalize.js'
export type { Duration } from './promql/duration.js'
export type { AlertView, AlertState, Acknowledgement, AlertNotification } from './engine/alert.js'
export type { EvaluationReport } from './engine/engine.js'
export type { RaisedAlert } from './engine/raised.js'
export type { SourceStats as EngineStats } from './series/source-set.js'
export { exportRules, type ExportOptions, type ExportResult, type RuleGroupYaml, type AlertingRuleYaml, type RecordingRuleYaml } from './export/rule-file.js'
export type { WebhookConfig, WebhookPayload, WebhookAlert } from './delivery/notifiers/webhook.js'
export type { SlackConfig } from './delivery/notifiers/slack.js'
export type { EmailConfig } from './delivery/notifiers/email.js'
export type { AlertmanagerConfig, PostableAlert } from './delivery/notifiers/alertmanager.js'
export {
  AlreadyRegisteredError, InvalidOptionError, InvalidRuleError, DuplicateRuleError, InvalidTemplateError, UnknownChannelError, NotExportableError, ConflictingMatchersError,
  InvalidAlertError, TooManyAlertsError, UnauthorizedError, AckNotAllowedError, AlertNotFoundError
} from './errors.js'
