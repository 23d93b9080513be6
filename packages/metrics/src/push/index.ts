export { assertResource, resolvePush, type PushOptions, type ResolvedPush } from './options.js'
export { startPush } from './start.js'
export type { ConsolePushOptions, OtlpPushOptions, StatsdPushOptions } from './sinks/index.js'
