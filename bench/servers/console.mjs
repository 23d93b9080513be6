// One server per variant of the console benchmark: `node console.mjs <variant>`. The @obs suite
// is registered as the demo registers it (tracing sampling 0.1 into an exporter that drops
// spans); the console variants add @obs/console with no page open: its span store is attached to
// the SDK and, in the logged variant, its log store sits beside the log destination.
import Fastify from 'fastify'
import { createWriteStream } from 'node:fs'
import { serveBenchProtocol } from '../harness.mjs'
import { registerSuite } from './obs-suite.mjs'

const variant = process.argv[2]
const VARIANTS = ['bare', '@obs suite', '@obs suite + console', '@obs suite, logged', '@obs suite + console, logged']
if (!VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}`)

const withConsole = variant.includes('+ console')
const logged = variant.endsWith('logged')
const consoleModule = withConsole ? await import('@obs/console') : undefined

let logger = false
let logs
if (logged) {
  const { loggerOptions } = await import('@obs/tracing')
  const devNull = createWriteStream('/dev/null')
  logs = consoleModule === undefined ? undefined : new consoleModule.LogStore()
  logger = { ...loggerOptions({ serviceName: 'bench', env: {} }), stream: logs === undefined ? devNull : consoleModule.logTee(logs, devNull) }
}

const app = Fastify({ logger })
if (variant !== 'bare') {
  await registerSuite(app)
  if (consoleModule !== undefined) await app.register(consoleModule.default, { enabled: true, ...(logs === undefined ? {} : { logs }) })
}

app.get('/users/:id', async (request) => {
  request.log.info('user found')
  return { id: request.params.id, name: 'Ada' }
})
await app.listen({ port: 0, host: '127.0.0.1' })
serveBenchProtocol(app.server.address().port)
