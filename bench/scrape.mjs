// Time of one scrape of /metrics holding `routes × statuses` request label sets, through inject
// (no socket), for @obs/metrics and fastify-metrics. Process metrics off in both: they cost the
// same everywhere and are not what differs.
import Fastify from 'fastify'
import { median } from './harness.mjs'

const STATUSES = [200, 201, 400, 404, 500]

async function appWith (variant, routes) {
  const app = Fastify({ logger: false })
  if (variant === '@obs/metrics') {
    const { default: metrics } = await import('@obs/metrics')
    await app.register(metrics, { processMetrics: false, agentMetrics: false })
  } else {
    const { default: fastifyMetrics } = await import('fastify-metrics')
    await app.register(fastifyMetrics, { endpoint: '/metrics', defaultMetrics: { enabled: false } })
  }
  for (let r = 0; r < routes; r++) {
    app.get(`/route${r}/:id`, async (request, reply) => reply.code(Number(request.query.status)).send({ ok: true }))
  }
  await app.ready()
  for (let r = 0; r < routes; r++) {
    for (const status of STATUSES) await app.inject(`/route${r}/1?status=${status}`)
  }
  return app
}

export async function scrapeBench ({ routes = 100, iterations = 200 } = {}) {
  const rows = []
  for (const variant of ['@obs/metrics', 'fastify-metrics']) {
    const app = await appWith(variant, routes)
    for (let i = 0; i < 20; i++) await app.inject('/metrics')
    const times = []
    let bytes = 0
    for (let i = 0; i < iterations; i++) {
      const start = process.hrtime.bigint()
      const response = await app.inject('/metrics')
      times.push(Number(process.hrtime.bigint() - start) / 1e6)
      bytes = response.body.length
    }
    await app.close()
    times.sort((a, b) => a - b)
    rows.push({ variant, labelSets: routes * STATUSES.length, median: median(times), p99: times[Math.floor(times.length * 0.99)], bytes })
  }
  return rows
}

export function scrapeTable (rows) {
  return ['| variant | request label sets | scrape ms (median) | scrape ms (p99) | body bytes |', '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.variant} | ${r.labelSets} | ${r.median.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.bytes} |`)].join('\n')
}
