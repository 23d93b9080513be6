import plugin from './plugin.js'

export default plugin
export { obsHealth, type ObsHealth } from './plugin.js'
export { type HealthPluginOptions, type PressureOptions, type ShutdownOptions, defaults } from './options.js'
export type { CheckDefinition, Probe } from './checks/registered-check.js'
export type { CheckContext, CheckFunction, CheckOutcome, CheckResult, CheckStatus } from './checks/check-result.js'
export type { CheckReport, HealthStatus, ProbeReport } from './probes/probe-report.js'
export { httpCheck, type HttpCheckOptions } from './checks/factories/http-check.js'
export { tcpCheck } from './checks/factories/tcp-check.js'
export { pingCheck } from './checks/factories/ping-check.js'
export { queueDepthCheck, type QueueDepthOptions } from './checks/factories/queue-depth-check.js'
export { AlreadyRegisteredError, DuplicateCheckError, InvalidCheckError, InvalidOptionError, UnknownCheckError } from './errors.js'
