import { createRequire } from 'node:module'

/** This package's version, the instrumentation scope version of its tracer. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version
