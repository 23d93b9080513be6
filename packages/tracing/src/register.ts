// The preload: `node --import @obs/tracing/register app.js` starts tracing from the `OTEL_*`
// environment before the app's first module loads, so HTTP instrumentation sees every server
// and client the app creates. Works for ESM and CommonJS apps alike.
import { initTracing } from './sdk.js'

const sdk = initTracing()
// Flush what is left when the process runs out of work. An app that closes its Fastify
// instance (e.g. on SIGTERM) has the plugin flush then too.
process.once('beforeExit', () => {
  sdk.shutdown().catch(() => {})
})
