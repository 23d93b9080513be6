import plugin from './plugin.js'

export default plugin
export { obsTracing, type ObsTracing } from './plugin.js'
export { type TracingPluginOptions, DEFAULT_EXCLUDE, defaults } from './options.js'
export type { WithSpan, WithSpanResult } from './with-span.js'
export { initTracing, runningTracingSdk, type TracingSdk } from './sdk.js'
export {
  type TracingSdkOptions, type InstrumentationOptions, type SamplerName, type OtlpProtocol, type ExporterName,
  type ResolvedSdkConfig, resolveSdkConfig
} from './sdk-config.js'
export type { ServiceOptions, ServiceInfo } from './service-info.js'
export { createLogger, loggerOptions, type LoggerPresetOptions } from './logger.js'
export { isSecretKey, redactSecrets } from './redact-secrets.js'
export { redactUrl, redactUrlsInText } from './redact-url.js'
export { DEFAULT_SECRET_URL_PREFIXES } from './secret-urls.js'
export { traceLogFields, type TraceLogFields } from './log-fields.js'
export { traceExemplar } from './exemplars.js'
export { AlreadyRegisteredError, InvalidArgumentError, InvalidOptionError } from './errors.js'
