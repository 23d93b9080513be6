import plugin from './plugin.js'

export default plugin
export { obsConsole, type ObsConsole } from './plugin.js'
export { type ConsolePluginOptions, type ConsoleAuth, defaults } from './options.js'
export { LogStore, logTee, type LogDestination } from './stores/log-store.js'
export { AlreadyRegisteredError, InvalidOptionError, NotFoundError, UnauthorizedError } from './errors.js'
