import plugin from './plugin.js'

export default plugin
export { obsMetrics, type ObsMetrics, type Exposition, type Scrape } from './plugin.js'
export { type MetricsPluginOptions, type MetricsAuth, defaults } from './options.js'
export type { ConsolePushOptions, OtlpPushOptions, PushOptions, StatsdPushOptions } from './push/index.js'
export type { AppMetrics, HistogramConfig, MetricConfig } from './app/app-metrics.js'
export { NATIVE_HISTOGRAM_DEFAULTS, type NativeHistogramOptions, type NativeHistogramSetting } from './native/options.js'
export { addHistograms, isCounterReset, subtractHistograms } from './native/arithmetic.js'
export { nativeHistogramQuantile } from './native/quantile.js'
export {
  AgentMetrics, type AgentInvocation, type LlmCall, type ToolCall, type EndTask, type WrapAgentOptions, type WrapToolOptions
} from './app/agent-metrics.js'
export type { Timed, TimedOptions, TokenUsage } from './app/timed.js'
export type { MetricsSummary, RouteSummary } from './requests/summary.js'
export type { ExemplarSource } from './requests/hooks.js'
export type { ExemplarLabels } from './exposition/text-format.js'
export {
  DEFAULT_DURATION_BUCKETS, DEFAULT_SIZE_BUCKETS, GEN_AI_AGENT_DURATION_BUCKETS, GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_BUCKETS,
  GEN_AI_TOOL_DURATION_BUCKETS, SCORE_BUCKETS
} from './buckets.js'
export { CONTENT_TYPE, negotiateFormat, type ExpositionFormat } from './exposition/negotiate.js'
export { histogramQuantile } from './requests/histogram-quantile.js'
export { errorType } from '@obs/core'
export { OVERFLOW } from './names.js'
export { hasNativeHistograms, type NativeHistogramSeries, type NativeHistogramSnapshot, type NativeHistogramSource } from './native/snapshot.js'
export { UNMATCHED_ROUTE } from './requests/series.js'
export {
  AlreadyRegisteredError, DuplicateMetricError, InvalidBucketsError, InvalidLabelNameError, InvalidMetricNameError, InvalidOptionError, ReservedLabelError
} from './errors.js'
