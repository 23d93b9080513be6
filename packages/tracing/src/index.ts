import plugin from './plugin/plugin.js'

export default plugin
export { obsTracing, type ObsTracing } from './plugin/plugin.js'
export { type TracingPluginOptions, DEFAULT_EXCLUDE, defaults } from './plugin/options.js'
export type { WithSpan, WithSpanResult } from './plugin/with-span.js'
export { traceExemplar } from './plugin/exemplars.js'
export { GEN_AI } from './genai/attributes.js'
export { withChatSpan, type ChatSpanOptions } from './genai/chat-span.js'
export { withToolSpan, type ToolSpanOptions } from './genai/tool-span.js'
export { withAgentSpan, type AgentSpanOptions } from './genai/agent-span.js'
export { setGenAiUsage, setGenAiResponse, type GenAiUsage, type GenAiResponse } from './genai/usage.js'
export type { GenAiSpanCommon } from './genai/run.js'
export { initTracing, runningTracingSdk, type TracingSdk } from './sdk/sdk.js'
export {
  type TracingSdkOptions, type InstrumentationOptions, type SamplerName, type OtlpProtocol, type ExporterName,
  type ResolvedSdkConfig, resolveSdkConfig
} from './sdk/sdk-config.js'
export type { ServiceOptions, ServiceInfo } from './sdk/service-info.js'
export { createLogger, loggerOptions, type LoggerPresetOptions } from './logging/logger.js'
export { traceLogFields, type TraceLogFields } from './logging/log-fields.js'
export { isSecretKey, redactSecrets } from './redact/redact-secrets.js'
export { redactUrl, redactUrlsInText } from './redact/redact-url.js'
export { DEFAULT_SECRET_URL_PREFIXES } from './redact/secret-urls.js'
export { AlreadyRegisteredError, InvalidArgumentError, InvalidOptionError } from './errors.js'
export { type OtlpCompression, type OtlpTargetOptions } from './sdk/otlp-target.js'
export { type LogsOptions, type LogsExporterName } from './logs/logs-config.js'
export type { LogSink } from './logs/log-export.js'
export { SELF_METRICS, type SelfMetricFamily, type SelfMetricLabels, type SelfMetricName } from './self-metrics/self-metrics.js'
