import type { FastifyPluginAsync } from 'fastify'

// A variable, not a literal: TypeScript then neither needs @obs/console's types to build this
// package nor puts them in its declarations (it is an optional peer).
const CONSOLE = '@obs/console'

/**
 * @obs/console's plugin, or undefined when it is not installed (or installed without its
 * build). Anything else that fails while loading it (one of its own dependencies missing) is
 * thrown: that is a broken install, not an absent one.
 */
export async function loadConsole (): Promise<FastifyPluginAsync<Record<string, unknown>> | undefined> {
  let entry: string
  try {
    entry = import.meta.resolve(CONSOLE)
  } catch {
    return undefined
  }
  try {
    const module = await import(CONSOLE) as { default: FastifyPluginAsync<Record<string, unknown>> }
    return module.default
  } catch (error) {
    const { code, url, message } = error as { code?: string, url?: string, message?: unknown }
    if (code !== 'ERR_MODULE_NOT_FOUND') throw error
    // Its entry file missing (installed without its build), or the package itself not found.
    if (url === entry || (url === undefined && String(message).includes(`'${CONSOLE}'`))) return undefined
    throw error
  }
}
