// Compiled, never run: checks that the public types accept what users write and reject mistakes.
import Fastify from 'fastify'
import { loggerOptions } from '@obs/tracing'
import obsConsole, { type ConsolePluginOptions, type ObsConsole, LogStore, logTee, defaults, InvalidOptionError } from '@obs/console'

const logs = new LogStore(5000)
const app = Fastify({ logger: { ...loggerOptions({ serviceName: 'agent' }), stream: logTee(logs) } })
await app.register(obsConsole, { logs, prefix: '/ops/console/', auth: { bearerToken: 'secret' }, maxSpans: 5000 })
await app.register(obsConsole, { enabled: true, auth: (request) => request.headers['x-internal'] === '1' })
await app.register(obsConsole)

const options: ConsolePluginOptions = { intervalMs: 1000, historySeconds: 600, healthIntervalMs: 10_000, alertsPath: '/ops/alerts', env: process.env }
const decorator: ObsConsole = app.obsConsole
const prefix: string = app.obsConsole.prefix
const enabled: boolean = app.obsConsole.enabled
const store: LogStore | undefined = app.obsConsole.logs
const defaultPrefix: string = defaults.prefix
const tee = logTee(logs, { write: (chunk: string) => process.stderr.write(chunk) })
tee.write('{"level":30}\n')
logs.write('{"level":30}\n')
const code: string = new InvalidOptionError('prefix', 'bad').code

// @ts-expect-error maxSpans is a number
await app.register(obsConsole, { maxSpans: '100' })
// @ts-expect-error auth is a token or a function
await app.register(obsConsole, { auth: 'secret' })
// @ts-expect-error logs is a LogStore
await app.register(obsConsole, { logs: [] })
// @ts-expect-error unknown options are refused
await app.register(obsConsole, { colour: 'blue' })

export { options, decorator, prefix, enabled, store, defaultPrefix, code }
