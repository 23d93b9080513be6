// Cost of one OTLP/HTTP metrics push of @obs/metrics at 10,000 request label sets (2,000 routes ×
// 5 status codes: a counter, a histogram and the error counter per label set): CPU time per push
// (collect + encode + send, the receiver on 127.0.0.1 in the same process) and the longest
// event-loop block while it runs (the encoder yields in slices; the budget is 10 ms).
import { monitorEventLoopDelay } from 'node:perf_hooks'
import Fastify from 'fastify'
import { median } from './harness.mjs'

const ROUTES = 2000
const STATUSES = [200, 201, 400, 404, 500]

export async function run ({ rounds = 5 } = {}) {
  const { default: metrics } = await import('@obs/metrics')
  // Internal modules, by path: the pusher and the OTLP sink are not public API.
  const { Pusher } = await import('../packages/metrics/dist/push/pusher.js')
  const { pushSelfMetrics } = await import('../packages/metrics/dist/push/self-metrics.js')
  const { collectRegistry } = await import('../packages/metrics/dist/push/collect.js')
  const { resolvePush } = await import('../packages/metrics/dist/push/options.js')
  const { SINKS } = await import('../packages/metrics/dist/push/sinks/index.js')
  const { startOtlpReceiver } = await import('../test-support/dist/otlp-receiver.js')

  const receiver = await startOtlpReceiver((body) => body.length)
  const app = Fastify({ logger: false })
  await app.register(metrics, { processMetrics: false, agentMetrics: false, maxLabelSets: ROUTES * STATUSES.length + 10 })
  for (let r = 0; r < ROUTES; r++) app.get(`/route${r}/:id`, async (request, reply) => reply.code(Number(request.query.status)).send('ok'))
  await app.ready()
  for (let r = 0; r < ROUTES; r++) {
    for (const status of STATUSES) await app.inject(`/route${r}/1?status=${status}`)
  }

  const push = resolvePush({ otlp: { endpoint: `${receiver.url}/v1/metrics` } }, {})
  const sink = SINKS.otlp.create(push.sinks[0].config, { startMs: Date.now() })
  const registry = app.metrics.registry
  const pusher = new Pusher({
    sink,
    collect: (slicer) => collectRegistry(registry, {}, () => {}, slicer),
    selfMetrics: pushSelfMetrics(registry, ''),
    log: app.log
  })

  for (let i = 0; i < 2; i++) await pusher.tick() // warm-up
  const exportsBefore = receiver.exports.length
  const cpu = []
  const wall = []
  const blocks = []
  const iterations = Math.max(3, rounds * 2)
  for (let i = 0; i < iterations; i++) {
    const delay = monitorEventLoopDelay({ resolution: 1 })
    delay.enable()
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    await pusher.tick()
    wall.push(performance.now() - start)
    const used = process.cpuUsage(cpuStart)
    cpu.push((used.user + used.system) / 1000)
    delay.disable()
    blocks.push(delay.max / 1e6)
  }
  const sent = receiver.exports.length - exportsBefore
  const bytes = receiver.exports.at(-1)?.decoded ?? 0
  const points = Math.round(Number((await registry.getSingleMetric('otel_sdk_exporter_metric_data_point_exported_total').get()).values.find((v) => v.labels.error_type === undefined)?.value ?? 0) / (iterations + 2))
  await pusher.close()
  await app.close()
  await receiver.close()

  const fmt = (n) => n.toFixed(1)
  return [
    `${ROUTES * STATUSES.length} request label sets, ${points} data points and ${(bytes / 1024).toFixed(0)} KiB of protobuf per push; ` +
      `${iterations} pushes measured (${sent} received), after 2 warm-up pushes.\n`,
    '| measure | median | max |',
    '| --- | ---: | ---: |',
    `| CPU per push, ms (collect + encode + HTTP, receiver in-process) | ${fmt(median(cpu))} | ${fmt(Math.max(...cpu))} |`,
    `| wall time per push, ms | ${fmt(median(wall))} | ${fmt(Math.max(...wall))} |`,
    `| longest event-loop block during a push, ms (budget 10) | ${fmt(median(blocks))} | ${fmt(Math.max(...blocks))} |`,
    ''
  ].join('\n')
}
