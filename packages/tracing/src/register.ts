// The preload: `node --import @obs/tracing/register app.js` starts tracing from the `OTEL_*`
// environment before the app's first module loads, so HTTP instrumentation sees every server
// and client the app creates. Works for ESM and CommonJS apps alike.
import { settleWithin } from './sdk/flush.js'
import { initTracing } from './sdk/sdk.js'

/** How long the process waits, once it has nothing else to do, for the final flush. */
const SHUTDOWN_TIMEOUT_MS = 5000

const sdk = initTracing()
// When the process runs out of work, flush what is left and stop. An exporter that cannot
// reach its collector keeps retrying (and the process alive) for as long as its own timeout
// allows; past SHUTDOWN_TIMEOUT_MS the process exits as it was about to. An app that closes its
// Fastify instance (e.g. on SIGTERM) has the plugin flush then too.
process.once('beforeExit', async () => {
  if (!await settleWithin(sdk.shutdown(), SHUTDOWN_TIMEOUT_MS)) process.exit()
})
