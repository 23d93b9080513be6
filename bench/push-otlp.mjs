// Cost of one OTLP/HTTP metrics push of @obs/metrics at 10,000 request label sets (2,000 routes ×
// 5 status codes: a counter, a histogram and the error counter per label set): CPU time per push
// (collect + encode + send) and the longest event-loop block while it runs (the encoder yields in
// slices; the budget is 10 ms), in wall time and in this thread's CPU time. The receiver, on
// 127.0.0.1, runs in a child process (servers/otlp-receiver.mjs): its work is not the pusher's.
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
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
  const receiver = fork(fileURLToPath(new URL('./servers/otlp-receiver.mjs', import.meta.url)))
  const [{ port }] = await once(receiver, 'message')
  const receivedExports = async () => {
    receiver.send({ type: 'exports' })
    return (await once(receiver, 'message'))[0].exports
  }
  const app = Fastify({ logger: false })
  await app.register(metrics, { processMetrics: false, agentMetrics: false, maxLabelSets: ROUTES * STATUSES.length + 10 })
  for (let r = 0; r < ROUTES; r++) app.get(`/route${r}/:id`, async (request, reply) => reply.code(Number(request.query.status)).send('ok'))
  await app.ready()
  for (let r = 0; r < ROUTES; r++) {
    for (const status of STATUSES) await app.inject(`/route${r}/1?status=${status}`)
  }

  const push = resolvePush({ otlp: { endpoint: `http://127.0.0.1:${port}/v1/metrics` } }, {})
  const sink = SINKS.otlp.create(push.sinks[0].config, { startMs: Date.now() })
  const registry = app.metrics.registry
  const pusher = new Pusher({
    sink,
    collect: (slicer) => collectRegistry(registry, {}, () => {}, slicer),
    selfMetrics: pushSelfMetrics(registry, ''),
    log: app.log
  })

  for (let i = 0; i < 2; i++) await pusher.tick() // warm-up
  await receivedExports()
  const cpu = []
  const wall = []
  const blocks = []
  const cpuBlocks = []
  // Wall time between turns of the loop also counts the time this process waited for a core that
  // other processes held; this thread's CPU time between two 1 ms ticks is the work (garbage
  // collection included) that held the loop.
  const threadCpuMs = () => {
    const { user, system } = process.threadCpuUsage()
    return (user + system) / 1000
  }
  const iterations = Math.max(3, rounds * 2)
  for (let i = 0; i < iterations; i++) {
    const delay = monitorEventLoopDelay({ resolution: 1 })
    delay.enable()
    let lastCpu = threadCpuMs()
    let maxCpuBlock = 0
    const ticks = setInterval(() => {
      const now = threadCpuMs()
      maxCpuBlock = Math.max(maxCpuBlock, now - lastCpu)
      lastCpu = now
    }, 1)
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    await pusher.tick()
    wall.push(performance.now() - start)
    const used = process.cpuUsage(cpuStart)
    cpu.push((used.user + used.system) / 1000)
    clearInterval(ticks)
    delay.disable()
    blocks.push(delay.max / 1e6)
    cpuBlocks.push(maxCpuBlock)
  }
  const { count: sent, lastBytes: bytes } = await receivedExports()
  const points = Math.round(Number((await registry.getSingleMetric('otel_sdk_exporter_metric_data_point_exported_total').get()).values.find((v) => v.labels.error_type === undefined)?.value ?? 0) / (iterations + 2))
  await pusher.close()
  await app.close()
  receiver.kill()

  const fmt = (n) => n.toFixed(1)
  return [
    `${ROUTES * STATUSES.length} request label sets, ${points} data points and ${(bytes / 1024).toFixed(0)} KiB of protobuf per push; ` +
      `${iterations} pushes measured (${sent} received), after 2 warm-up pushes.\n`,
    '| measure | median | max |',
    '| --- | ---: | ---: |',
    `| CPU per push, ms (collect + encode + HTTP; the receiver in its own process) | ${fmt(median(cpu))} | ${fmt(Math.max(...cpu))} |`,
    `| wall time per push, ms | ${fmt(median(wall))} | ${fmt(Math.max(...wall))} |`,
    `| longest event-loop block during a push, wall time, ms (budget 10) | ${fmt(median(blocks))} | ${fmt(Math.max(...blocks))} |`,
    `| longest event-loop block during a push, main-thread CPU time, ms | ${fmt(median(cpuBlocks))} | ${fmt(Math.max(...cpuBlocks))} |`,
    ''
  ].join('\n')
}
