// One server per variant of the health benchmark: `node health.mjs <variant> [dependencyUrl]`.
import Fastify from 'fastify'
import { serveBenchProtocol } from '../harness.mjs'

const [variant, dependencyUrl] = process.argv.slice(2)
const app = Fastify({ logger: false })

if (variant === '@fastify/under-pressure') {
  const { default: underPressure } = await import('@fastify/under-pressure')
  // A threshold adds its onRequest hook; one that a saturating benchmark does not trip.
  await app.register(underPressure, { maxEventLoopDelay: 1000 })
} else if (variant === '@obs/health' || variant === 'probe') {
  const { default: health, httpCheck } = await import('@obs/health')
  await app.register(health)
  if (variant === 'probe') {
    // A dependency that takes 2 s, refreshed in the background: probes answer from the last result.
    app.health.addCheck({ name: 'llm', check: httpCheck(dependencyUrl), refreshIntervalMs: 5000, timeoutMs: 800, critical: false })
  }
} else if (variant !== 'bare') {
  throw new Error(`unknown variant ${variant}`)
}

app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }))
await app.listen({ port: 0, host: '127.0.0.1' })
serveBenchProtocol(app.server.address().port)
