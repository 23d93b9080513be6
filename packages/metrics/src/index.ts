import plugin from './plugin.js'

export default plugin
export { obsMetrics, type ObsMetrics, type Exposition } from './plugin.js'
export { type MetricsPluginOptions, type MetricsAuth, defaults } from './options.js'
export type { AppMetrics, MetricConfig } from './app-metrics.js'
export { AgentMetrics, type LlmCall, type TokenUsage, type ToolCall, type EndTask } from './agent-metrics.js'
export type { Timed, TimedOptions } from './timed.js'
export type { MetricsSummary, RouteSummary } from './request-summary.js'
export type { ExemplarSource } from './request-hooks.js'
export type { ExemplarLabels } from './fixed-histogram.js'
export {
  DEFAULT_DURATION_BUCKETS, DEFAULT_SIZE_BUCKETS, GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_BUCKETS, SCORE_BUCKETS
} from './buckets.js'
export { CONTENT_TYPE, negotiateFormat, type ExpositionFormat } from './negotiate.js'
export { histogramQuantile } from './histogram-quantile.js'
export { errorType } from '@obs/core'
export { OVERFLOW, UNMATCHED_ROUTE } from './request-series.js'
export {
  AlreadyRegisteredError, DuplicateMetricError, InvalidBucketsError, InvalidLabelNameError, InvalidMetricNameError, InvalidOptionError, ReservedLabelError
} from './errors.js'
