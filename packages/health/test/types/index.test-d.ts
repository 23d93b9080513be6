// Compiled, never run: checks that the public types accept what users write and reject mistakes.
import Fastify from 'fastify'
import health, { type CheckFunction, type HealthPluginOptions, type ProbeReport, httpCheck, pingCheck, queueDepthCheck, tcpCheck } from '@obs/health'

const app = Fastify()
await app.register(health)
await app.register(health, {
  prefix: '/_probes',
  deadlineMs: 800,
  exposeDetails: (request) => request.headers['x-internal'] === '1',
  pressure: { maxEventLoopDelay: 500, maxHeapUsedBytes: false, shedLoad: false },
  shutdown: { signals: ['SIGTERM'], drainDelayMs: 10_000 },
  checks: [{ name: 'db', check: () => true, probes: ['ready', 'startup'] }]
})
// @ts-expect-error exposeDetails is always, never or a function
await app.register(health, { exposeDetails: 'sometimes' })
// @ts-expect-error probes are live, ready and startup
await app.register(health, { checks: [{ name: 'db', check: () => true, probes: ['alive'] }] })

const options: HealthPluginOptions = { pressure: false, startupTimeoutMs: 60_000 }

app.health.addCheck({ name: 'search', check: httpCheck('http://search:9200/_cluster/health'), critical: false, refreshIntervalMs: 5000 })
app.health.addCheck({ name: 'redis', check: tcpCheck('redis', 6379), cacheTtlMs: 1000 })
app.health.addCheck({ name: 'postgres', check: pingCheck(async (signal) => signal.aborted) })
app.health.addCheck({ name: 'queue', check: queueDepthCheck({ depth: () => 3, warnAt: 100 }) })
app.health.addCheck({ name: 'custom', check: async ({ signal }) => ({ status: signal.aborted ? 'fail' : 'warn', details: { lag: 3 } }) })
// @ts-expect-error a check needs a function
app.health.addCheck({ name: 'broken', check: 'yes' })
// @ts-expect-error statuses are pass, warn and fail
app.health.addCheck({ name: 'odd', check: () => ({ status: 'ok' }) })

const custom: CheckFunction = () => undefined
const report: Promise<ProbeReport> = app.health.probe('ready')
const done: Promise<void> = app.health.shutdown()
const draining: boolean = app.health.draining

export { options, custom, report, done, draining }
