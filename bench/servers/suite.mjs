// One server per variant of the whole-suite benchmark: `node suite.mjs <variant>`.
// Tracing in both traced variants runs the same SDK (initTracing: parent-based ratio 0.1, a batch
// processor into an exporter that drops spans, no HTTP server instrumentation, as the demo runs).
import Fastify from 'fastify'
import { serveBenchProtocol } from '../harness.mjs'
import { registerSuite, startSuiteTracing } from './obs-suite.mjs'

const variant = process.argv[2]

const app = Fastify({ logger: false })
if (variant === '@obs suite') {
  await registerSuite(app)
} else if (variant === 'fastify-metrics + @fastify/otel + under-pressure') {
  const sdk = await startSuiteTracing()
  const { default: fastifyMetrics } = await import('fastify-metrics')
  const { default: FastifyOtelInstrumentation } = await import('@fastify/otel')
  const { default: underPressure } = await import('@fastify/under-pressure')
  await app.register(fastifyMetrics, { endpoint: '/metrics' })
  const otel = new FastifyOtelInstrumentation()
  otel.setTracerProvider(sdk.provider)
  await app.register(otel.plugin())
  // Thresholds that keep its hook on the request path but do not shed load at saturation.
  await app.register(underPressure, { maxEventLoopDelay: 1000, exposeStatusRoute: '/health/ready' })
} else if (variant !== 'bare') {
  throw new Error(`unknown variant ${variant}`)
}

app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }))
await app.listen({ port: 0, host: '127.0.0.1' })
serveBenchProtocol(app.server.address().port)
