// Compiled, never run: checks that the public types accept what users write and reject mistakes.
import Fastify from 'fastify'
import setup, { type ObsSetup, type SetupOptions, type SetupPart } from '@obs/setup'

const app = Fastify()
await app.register(setup, { serviceName: 'agent' })
await app.register(setup, {
  serviceName: 'agent',
  environment: 'production',
  metrics: { prefix: 'agent_', diskPaths: ['/'] },
  tracing: { traceIdHeader: 'x-trace-id' },
  tracingSdk: { sampleRatio: 0.1 },
  health: { shutdown: { signals: ['SIGTERM'] } },
  alerts: { rules: [{ kind: 'gauge', name: 'Backlog', metric: 'agent_queue_size', above: 100 }], notifiers: { am: { type: 'alertmanager', url: 'http://alertmanager:9093' } } },
  console: { prefix: '/ops/' }
})
await app.register(setup, { serviceName: 'agent', alerts: false, console: false, tracingSdk: false })

// @ts-expect-error the service name is required
await app.register(setup, { environment: 'production' })
// @ts-expect-error a part's options are its package's own
await app.register(setup, { serviceName: 'agent', metrics: { path: true } })
// @ts-expect-error a misspelled option
await app.register(setup, { serviceName: 'agent', metric: {} })
// @ts-expect-error true is no part's options: leave it out for the defaults
await app.register(setup, { serviceName: 'agent', health: true })

const options: SetupOptions = { serviceName: 'agent', console: false }
const info: ObsSetup = app.obsSetup
const parts: readonly SetupPart[] = info.registered
const consoleSkipped: 'off' | 'not installed' | undefined = info.skipped.console
const started: boolean = info.startedTracingSdk
export { options, parts, consoleSkipped, started }
