import plugin from './plugin.js'

export default plugin
export { obsSetup, type ObsSetup } from './plugin.js'
export { type SetupOptions, type ConsoleOptions, type SetupPart, PARTS } from './options.js'
export { InvalidOptionError } from './errors.js'
