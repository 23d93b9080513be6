// One server per variant of the whole-suite benchmark: `node suite.mjs <variant>`.
// Tracing in both traced variants runs the same SDK (initTracing: parent-based ratio 0.1, a batch
// processor into an exporter that drops spans, no HTTP server instrumentation, as the demo runs).
import Fastify from 'fastify'
import { serveBenchProtocol } from '../harness.mjs'

const variant = process.argv[2]
const dropExporter = { export (spans, done) { done({ code: 0 }) }, async shutdown () {}, async forceFlush () {} }
const startSdk = async () => {
  const { initTracing } = await import('@obs/tracing')
  return initTracing({ serviceName: 'bench', exporter: dropExporter, sampleRatio: 0.1, instrumentations: { httpServer: false } })
}

const app = Fastify({ logger: false })
if (variant === '@obs suite') {
  await startSdk()
  const { default: metrics } = await import('@obs/metrics')
  const { default: tracing } = await import('@obs/tracing')
  const { default: health } = await import('@obs/health')
  const { default: alerts } = await import('@obs/alerts')
  const { agentRules } = await import('../../apps/agent/dist/src/alert-rules.js')
  // Registered as apps/agent does.
  await app.register(metrics, { defaultLabels: { service: 'bench', environment: 'bench' } })
  await app.register(tracing, { traceIdHeader: 'x-trace-id' })
  await app.register(health, { shutdown: { signals: false } })
  await app.register(alerts, { rules: agentRules(), interval: '15s' })
} else if (variant === 'fastify-metrics + @fastify/otel + under-pressure') {
  const sdk = await startSdk()
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
