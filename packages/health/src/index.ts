import plugin from './plugin.js'

export default plugin
export { obsHealth, type ObsHealth } from './plugin.js'
export { type HealthPluginOptions, type PressureOptions, type ShutdownOptions, defaults } from './options.js'
export type { CheckDefinition, Probe } from './registered-check.js'
export type { CheckContext, CheckFunction, CheckOutcome, CheckResult, CheckStatus } from './check-result.js'
export type { CheckReport, HealthStatus, ProbeReport } from './probe-report.js'
export { httpCheck, type HttpCheckOptions } from './checks/http-check.js'
export { tcpCheck } from './checks/tcp-check.js'
export { pingCheck } from './checks/ping-check.js'
export { queueDepthCheck, type QueueDepthOptions } from './checks/queue-depth-check.js'
export { AlreadyRegisteredError, DuplicateCheckError, InvalidCheckError, InvalidOptionError } from './errors.js'
