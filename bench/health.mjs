// @obs/health: probe latency while a 2 s dependency is refreshed in the background, and the
// request-path cost of registering the plugin, against bare Fastify and @fastify/under-pressure.
// `node bench/health.mjs [rounds]` (after `pnpm build`).
import { createServer, Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { loadBench, loadTable, pinSelf, startServer } from './harness.mjs'

const server = fileURLToPath(new URL('./servers/health.mjs', import.meta.url))

/** Client-side latency of GET `path` from `connections` keep-alive loops, measured with hrtime. */
async function latencies (port, path, connections, seconds) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const samples = []
  const until = Date.now() + seconds * 1000
  const one = () => new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume()
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}`))
        samples.push(Number(process.hrtime.bigint() - start) / 1e6)
        resolve()
      })
    }).on('error', reject).end()
  })
  await Promise.all(Array.from({ length: connections }, async () => { while (Date.now() < until) await one() }))
  agent.destroy()
  samples.sort((a, b) => a - b)
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]
  return { count: samples.length, p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1] }
}

async function probeLatency () {
  pinSelf(1)
  let dependencyCalls = 0
  const dependency = createServer((_req, res) => { dependencyCalls++; setTimeout(() => res.end('ok'), 2000) })
  await new Promise((resolve) => dependency.listen(0, '127.0.0.1', resolve))
  const app = await startServer(server, ['probe', `http://127.0.0.1:${dependency.address().port}/`])
  // Let the first background run start; it takes 2 s and times out at 800 ms, as do the next.
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const result = await latencies(app.port, '/health/ready', 1, 5)
  await app.stop()
  dependency.closeAllConnections()
  dependency.close()
  return { ...result, dependencyCalls }
}

export async function run ({ rounds = 5 } = {}) {
  const probe = await probeLatency()
  const variants = ['bare', '@fastify/under-pressure', '@obs/health'].map((name) => ({ name, script: server, args: [name] }))
  const load = await loadBench({ variants, baseline: 'bare', path: '/users/42', rounds })
  return '### Probe latency, dependency taking 2 s, refreshed in the background\n\n' +
    'One keep-alive client sending probes back to back for 5 s (GET /health/ready), latency measured by the client with hrtime.\n\n' +
    '| probes | p50 ms | p99 ms | max ms | calls to the dependency |\n|---:|---:|---:|---:|---:|\n' +
    `| ${probe.count} | ${probe.p50.toFixed(3)} | ${probe.p99.toFixed(3)} | ${probe.max.toFixed(3)} | ${probe.dependencyCalls} |\n\n` +
    `### Request path (GET /users/:id, 50 connections, ${rounds} rounds)\n\n${loadTable(load)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ rounds: Number(process.argv[2] ?? 5) }))
}
