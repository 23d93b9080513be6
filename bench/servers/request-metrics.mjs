// One server per variant of the request-metrics benchmark: `node request-metrics.mjs <variant>`.
import Fastify from 'fastify'
import { serveBenchProtocol } from '../harness.mjs'

const variant = process.argv[2]
const app = Fastify({ logger: false })

if (variant === '@obs/metrics') {
  const { default: metrics } = await import('@obs/metrics')
  await app.register(metrics)
} else if (variant === '@obs/metrics inFlight:false') {
  const { default: metrics } = await import('@obs/metrics')
  await app.register(metrics, { inFlight: false })
} else if (variant === 'fastify-metrics') {
  const { default: fastifyMetrics } = await import('fastify-metrics')
  await app.register(fastifyMetrics, { endpoint: '/metrics' })
} else if (variant === '@prometheus-io/client onResponse hook') {
  // The plain way: a counter and a histogram with @prometheus-io/client, labels built per request.
  const { Counter, Histogram, Registry, collectDefaultMetrics } = await import('@prometheus-io/client')
  const register = new Registry()
  collectDefaultMetrics({ register })
  const labelNames = ['method', 'route', 'status_code']
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests.', labelNames, registers: [register] })
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'Duration.', labelNames, registers: [register] })
  app.addHook('onResponse', (request, reply, done) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? '__unmatched__', status_code: reply.statusCode }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
    done()
  })
} else if (variant !== 'bare') {
  throw new Error(`unknown variant ${variant}`)
}

app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }))
await app.listen({ port: 0, host: '127.0.0.1' })
serveBenchProtocol(app.server.address().port)
