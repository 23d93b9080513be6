// @obs/alerts: time of one in-process evaluation cycle (snapshot of the registry, every rule,
// alert states) for 50 rules over 10,000 series, against the floor a naive evaluator pays before
// doing anything: reading the whole registry with @prometheus-io/client's `getMetricsAsJSON()`.
// `node bench/alerts.mjs [rounds]` (after `pnpm build`). Target: under 10 ms per cycle.
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { median, pinSelf } from './harness.mjs'

// Until bench/package.json lists @obs/alerts, load it from the workspace build.
const loadAlerts = () => import('@obs/alerts').catch(() => import('../packages/alerts/dist/index.js'))
// The engine's registry read on its own, to tell it from the engine's work (an internal module).
const loadSnapshot = () => import('../packages/alerts/dist/snapshot.js')
// The series names the rules below read.
const NAMES = ['http_requests_total', 'http_request_duration_seconds_bucket', 'http_request_duration_seconds_count', 'queue_size', 'jobs_total']
const loadMetrics = () => import('@obs/metrics')

const ROUTES = 125
const STATUSES = [200, 201, 404, 500]
const QUEUES = 500
const WORKERS = 500
const INTERVAL = 15_000
const CYCLES = 60

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

async function buildApp () {
  const { default: metrics } = await loadMetrics()
  const { default: alerts } = await loadAlerts()
  let now = Date.UTC(2026, 0, 1)
  const app = Fastify({ logger: false })
  await app.register(metrics, { processMetrics: false, agentMetrics: false, maxLabelSets: 20_000 })
  // interval '15s' as in production (the window rings are sized for it); the clock is the bench's,
  // so a background evaluation, if one comes, samples the same moment again and changes nothing.
  await app.register(alerts, { rules: fiftyRules(), interval: '15s', path: false, now: () => now })
  for (let r = 0; r < ROUTES; r++) {
    app.get(`/route${r}/:id`, async (request, reply) => reply.code(Number(request.query.status)).send('x'))
  }
  const queue = app.metrics.gauge({ name: 'queue_size', help: 'Queue size.', labelNames: ['queue', 'shard'] })
  const jobs = app.metrics.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['worker'] })
  await app.ready()
  for (let r = 0; r < ROUTES; r++) for (const status of STATUSES) await app.inject(`/route${r}/1?status=${status}`)
  let tick = 0
  // A healthy service: 1 request in 500 fails, one queue of 500 is over its limit.
  const traffic = async () => {
    tick++
    for (let i = 0; i < 40; i++) {
      const n = tick * 40 + i
      const status = n % 500 === 0 ? 500 : n % 33 === 0 ? 404 : n % 2 === 0 ? 200 : 201
      await app.inject(`/route${(tick * 7 + i * 13) % ROUTES}/1?status=${status}`)
    }
    for (let q = 0; q < QUEUES; q++) queue.set({ queue: `q${q}`, shard: `s${q % 10}` }, q === 0 ? 950 : 100 + (q * 31 + tick * 17) % 700)
    for (let w = 0; w < WORKERS; w++) jobs.inc({ worker: `w${w}` }, (w + tick) % 5)
    now += INTERVAL
  }
  await traffic()
  const json = await app.metrics.registry.getMetricsAsJSON()
  const series = json.reduce((sum, family) => sum + family.values.length, 0)
  return { app, traffic, series }
}

export async function run ({ rounds = 5 } = {}) {
  pinSelf(1)
  const { app, traffic, series } = await buildApp()
  const { RegistrySnapshot } = await loadSnapshot()
  const snapshot = new RegistrySnapshot(app.metrics.registry)
  // Warm up: ten minutes of evaluations fill the short windows.
  for (let i = 0; i < 40; i++) {
    await traffic()
    await app.alerts.evaluate()
  }
  const perRound = []
  for (let round = 1; round <= rounds; round++) {
    const ours = []
    const naive = []
    const read = []
    for (let i = 0; i < CYCLES; i++) {
      await traffic()
      let start = performance.now()
      await app.metrics.registry.getMetricsAsJSON()
      naive.push(performance.now() - start)
      start = performance.now()
      await snapshot.collect(NAMES)
      read.push(performance.now() - start)
      start = performance.now()
      await app.alerts.evaluate()
      ours.push(performance.now() - start)
    }
    for (const list of [ours, naive, read]) list.sort((a, b) => a - b)
    const row = { round, median: median(ours), p95: ours[Math.floor(ours.length * 0.95)], min: ours[0], read: median(read), naive: median(naive) }
    perRound.push(row)
    console.error(`round ${round}/${rounds}  cycle median ${row.median.toFixed(2)} ms  min ${row.min.toFixed(2)} ms  p95 ${row.p95.toFixed(2)} ms  read ${row.read.toFixed(2)} ms  getMetricsAsJSON ${row.naive.toFixed(2)} ms`)
  }
  const report = await app.alerts.evaluate()
  const stats = app.alerts.stats()
  const rules = app.alerts.exportRules().groups[0].rules.filter((r) => 'alert' in r).length
  await app.close()
  const best = perRound.reduce((a, b) => (b.median < a.median ? b : a))
  return [
    `### Evaluation cycle: 50 rules over ${series.toLocaleString('en-US')} series (${CYCLES} cycles per round, ${rounds} rounds)`,
    '',
    `${rounds} rounds of ${CYCLES} cycles, each after 40 requests, 500 gauge sets and 500 counter increments (not timed), on a clock advanced ${INTERVAL / 1000} s per cycle.`,
    `The rules are 12 error ratios, 10 latency quantiles, 10 counter rates, 12 gauges, 4 SLOs (default burn-rate windows: 1h/5m, 6h/30m, 1d/2h, 3d/6h) and 2 absent checks: ${rules} alerting rules once the SLOs are split into page and ticket. At the end: ${report.firing} alerts firing, ${report.pending} pending; the engine tracked ${stats.series.toLocaleString('en-US')} series (per rule input) in ${stats.groups.toLocaleString('en-US')} groups holding ${stats.samples.toLocaleString('en-US')} history samples (${(stats.samples * 16 / 1048576).toFixed(1)} MiB).`,
    '',
    '| round | cycle ms (median) | cycle ms (min) | cycle ms (p95) | of which reading the 5 families (median) | `getMetricsAsJSON()` ms (median) | cycle / getMetricsAsJSON |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...perRound.map((r) => `| ${r.round} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.read.toFixed(2)} | ${r.naive.toFixed(2)} | ${(r.median / r.naive).toFixed(2)}x |`),
    '',
    `Best round: **${best.median.toFixed(2)} ms** per cycle (median; min ${best.min.toFixed(2)} ms, p95 ${best.p95.toFixed(2)} ms), target under 10 ms. ` +
      'Reading the families the rules use (`get()` of each family) is part of every cycle; ' +
      'the last column compares a whole cycle with only reading the whole registry the naive way.'
  ].join('\n') + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ rounds: Number(process.argv[2] ?? 5) }))
}
