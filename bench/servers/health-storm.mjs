// The server of the probe-storm benchmark: `node --max-old-space-size=512 health-storm.mjs <always|never>`.
// Two readiness checks: one returns about 1 MB of details at once, the other never settles (not
// critical, so readiness stays 200 and any 503 is the storm's doing). Pressure is on, with its
// defaults. `GET /ping` is a bare route, the baseline for what 1,000 concurrent requests cost.
import Fastify from 'fastify'
import health from '@obs/health'
import { serveBenchProtocol } from '../harness.mjs'

const exposeDetails = process.argv[2] ?? 'always'
const calls = { large: 0, hanging: 0 }
const app = Fastify({ logger: false })
await app.register(health, { exposeDetails })
app.health.addCheck({
  name: 'large',
  check: () => {
    calls.large++
    return { status: 'pass', details: { rows: Array.from({ length: 10_000 }, (_, i) => ({ id: i, note: 'x'.repeat(80) })) } }
  }
})
app.health.addCheck({ name: 'hanging', check: () => { calls.hanging++; return new Promise(() => {}) }, critical: false })
app.get('/ping', async () => ({ ok: true }))
// Server-side time of each probe, from Fastify taking the request to the response: what the
// probe costs without the queue of 1,000 requests in front of it.
const probeTimes = []
app.addHook('onResponse', (request, reply, done) => {
  if (request.url === '/health/ready') probeTimes.push(reply.elapsedTime)
  done()
})

// The heap is sampled every 5 ms; the peak RSS comes from the kernel and misses nothing.
let peakHeapUsed = 0
setInterval(() => { peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed) }, 5).unref()
process.on('message', (message) => {
  if (message.type === 'probe-times') process.send({ probeTimes: probeTimes.splice(0) })
  if (message.type === 'memory') {
    process.send({ memory: { peakHeapUsed, heapUsed: process.memoryUsage().heapUsed, maxRssBytes: process.resourceUsage().maxRSS * 1024, calls: { ...calls } } })
  }
})

// A backlog for the whole burst: with Node's default (511) the kernel drops SYNs of a 1,000-connection
// burst, and the client's retry a second later would be measured instead of the server.
await app.listen({ port: 0, host: '127.0.0.1', backlog: 2048 })
serveBenchProtocol(app.server.address().port)
