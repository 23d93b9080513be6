// One server per variant of the scrape-at-scale benchmark: `node scrape-at-scale.mjs <variant> <series>`.
// The app holds about <series> series: half in a counter (one label set each), half in a histogram
// (14 series per label set: 11 buckets, +Inf, _sum, _count), plus the request metrics of the
// variant. It reports its event-loop delay (monitorEventLoopDelay, 1 ms resolution) and the most
// main-thread CPU time between two turns of the loop on demand. "@obs/metrics (protobuf)" is the
// @obs/metrics app with native buckets beside the classic ones, for the protobuf scrape.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import Fastify from 'fastify'
import { serveBenchProtocol } from '../harness.mjs'

const [variant, seriesArg] = process.argv.slice(2)
const series = Number(seriesArg)
const counterSets = series / 2
const histogramSets = Math.round(series / 2 / 14)
const app = Fastify({ logger: false })

/** Fills a counter and a histogram made by `make` (each variant makes them its own way). */
function fill ({ counter, histogram }) {
  for (let i = 0; i < counterSets; i++) counter.inc({ tenant: `tenant-${i}`, kind: i % 2 ? 'batch' : 'online' }, 1 + (i % 7))
  for (let i = 0; i < histogramSets; i++) {
    for (let j = 0; j < 5; j++) histogram.observe({ tenant: `tenant-${i}`, kind: 'online' }, (i % 100) / 10 + j / 1000)
  }
}
const counterConfig = { name: 'jobs_total', help: 'Jobs done, by tenant and kind.', labelNames: ['tenant', 'kind'] }
const histogramConfig = { name: 'job_duration_seconds', help: 'Job duration, by tenant and kind.', labelNames: ['tenant', 'kind'] }

if (variant === '@obs/metrics' || variant === '@obs/metrics (protobuf)') {
  const { default: metrics } = await import('@obs/metrics')
  const native = variant !== '@obs/metrics'
  await app.register(metrics, { processMetrics: false, maxLabelSets: series, nativeHistograms: native })
  fill({ counter: app.metrics.counter(counterConfig), histogram: app.metrics.histogram({ ...histogramConfig, native }) })
} else if (variant === 'fastify-metrics') {
  // Its documented way to add app metrics: the client it exposes, into the client's default registry.
  const { default: fastifyMetrics } = await import('fastify-metrics')
  await app.register(fastifyMetrics, { endpoint: '/metrics', defaultMetrics: { enabled: false } })
  const { client } = app.metrics
  fill({ counter: new client.Counter(counterConfig), histogram: new client.Histogram(histogramConfig) })
} else if (variant === '@prometheus-io/client') {
  // Used directly: request metrics in an onResponse hook, `registry.metrics()` in a route.
  const { Counter, Histogram, Registry } = await import('@prometheus-io/client')
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_code']
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests.', labelNames, registers: [registry] })
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'Duration.', labelNames, registers: [registry] })
  app.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.url === '/metrics') return done()
    const labels = { method: request.method, route: request.routeOptions.url ?? '__unmatched__', status_code: reply.statusCode }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
    done()
  })
  fill({ counter: new Counter({ ...counterConfig, registers: [registry] }), histogram: new Histogram({ ...histogramConfig, registers: [registry] }) })
  app.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
} else {
  throw new Error(`unknown variant ${variant}`)
}

app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }))
await app.listen({ port: 0, host: '127.0.0.1' })

// Wall time between turns of the loop counts the time this process waited for a core that other
// processes held; the main thread's CPU time between two 1 ms ticks does not: it is the work
// (garbage collection included) that held the loop.
const delay = monitorEventLoopDelay({ resolution: 1 })
delay.enable()
const threadCpuMs = () => {
  const { user, system } = process.threadCpuUsage()
  return (user + system) / 1000
}
let lastCpu = threadCpuMs()
let maxCpuBlockMs = 0
setInterval(() => {
  const cpu = threadCpuMs()
  maxCpuBlockMs = Math.max(maxCpuBlockMs, cpu - lastCpu)
  lastCpu = cpu
}, 1).unref()
process.on('message', (message) => {
  if (message.type !== 'loop-delay') return
  process.send({ loopDelay: { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, maxCpuBlockMs } })
  delay.reset()
  maxCpuBlockMs = 0
})
serveBenchProtocol(app.server.address().port)
