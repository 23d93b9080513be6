// @obs/health under probe storms: 1,000 concurrent readiness probes, each on its own connection,
// against a check that returns about 1 MB beside one that hangs, the server's heap capped at
// 512 MB. Reports the server's peak heap and RSS, the probes' latency as the client sees it, and
// their status codes, for bodies with and without details; the same burst against a bare route
// is the baseline. `node bench/health-storm.mjs [bursts]` (after `pnpm build`).
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { pinSelf, startServer } from './harness.mjs'

const server = fileURLToPath(new URL('./servers/health-storm.mjs', import.meta.url))
const CONCURRENCY = 1000
const MiB = 2 ** 20

/** `count` requests at once, one connection each; latency from sending to the last byte. */
async function burst (port, path, count) {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity })
  const one = () => new Promise((resolve) => {
    const start = process.hrtime.bigint()
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let bytes = 0
      res.on('data', (chunk) => { bytes += chunk.length })
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: Number(process.hrtime.bigint() - start) / 1e6 }))
    }).on('error', (error) => resolve({ status: error.code ?? 'error', bytes: 0, ms: Number(process.hrtime.bigint() - start) / 1e6 })).end()
  })
  const results = await Promise.all(Array.from({ length: count }, one))
  agent.destroy()
  const statuses = {}
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1
  return { ...quantiles(results.map((r) => r.ms)), statuses, bytes: results[0].bytes }
}

function quantiles (values) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] }
}

async function storm (exposeDetails, bursts) {
  const app = await startServer(server, [exposeDetails], ['--max-old-space-size=512'])
  const rows = []
  try {
    const baseline = await burst(app.port, '/ping', CONCURRENCY)
    for (let i = 1; i <= bursts; i++) {
      const client = await burst(app.port, '/health/ready', CONCURRENCY)
      rows.push({ burst: i, ...client, server: quantiles(await app.probeTimes()) })
      await sleep(200)
    }
    return { exposeDetails, baseline, rows, memory: await app.memory() }
  } finally {
    await app.stop()
  }
}

const statusText = (statuses) => Object.entries(statuses).map(([status, n]) => `${n}× ${status}`).join(', ')

export async function run ({ bursts = 5 } = {}) {
  pinSelf(1)
  let out = '### Probe storms: 1,000 concurrent readiness probes, heap capped at 512 MB\n\n' +
    'Checks: `large` (synchronous, about 1 MB of details) and `hanging` (never settles, not critical); pressure on, with its defaults. ' +
    `${bursts} bursts of 1,000 probes, each on its own connection, 200 ms apart; the first burst finds no result yet and waits for ` +
    'the hanging check\'s timeout (500 ms); later ones find its call still pending and answer with its failure at once. ' +
    'Baseline: the same burst against `GET /ping` on the same server. Client latency includes the queue of 1,000 requests; server time is Fastify\'s `reply.elapsedTime` of each probe. Peak heap sampled every 5 ms in the server, peak RSS from the kernel.\n\n'
  for (const exposeDetails of ['always', 'never']) {
    const r = await storm(exposeDetails, bursts)
    out += `**exposeDetails: '${exposeDetails}'** (body ${r.rows[0].bytes.toLocaleString('en')} bytes) — peak heap ${(r.memory.peakHeapUsed / MiB).toFixed(1)} MiB, ` +
      `peak RSS ${(r.memory.maxRssBytes / MiB).toFixed(1)} MiB, calls: large ${r.memory.calls.large}, hanging ${r.memory.calls.hanging}\n\n` +
      '| burst | client p50 ms | client p99 ms | client max ms | server p50 ms | server p99 ms | server max ms | statuses |\n|---|---:|---:|---:|---:|---:|---:|---|\n' +
      `| /ping baseline | ${r.baseline.p50.toFixed(1)} | ${r.baseline.p99.toFixed(1)} | ${r.baseline.max.toFixed(1)} | | | | ${statusText(r.baseline.statuses)} |\n` +
      r.rows.map((row) => `| ${row.burst} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.max.toFixed(1)} | ${row.server.p50.toFixed(2)} | ${row.server.p99.toFixed(2)} | ${row.server.max.toFixed(2)} | ${statusText(row.statuses)} |`).join('\n') + '\n\n'
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ bursts: Number(process.argv[2] ?? 5) }))
}
