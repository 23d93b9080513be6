// Heap per series: what one more label set of an app counter or histogram (classic or native), or
// of the request-duration histogram, holds, for @obs/metrics, @prometheus-io/client used directly
// and fastify-metrics. Each measurement runs in a fresh process with --expose-gc: a few series
// first (so that code and lazy structures exist), then heapUsed plus ArrayBuffer memory (typed
// arrays over 64 bytes live outside the heap) after full collections, N more series, collections
// again, and the difference divided by N. The labels object of each series and its strings are made as an app makes them
// and counted: every library keeps them. `pnpm bench 1 memory-per-series --node 24,26`, or
// `node bench/memory-per-series.mjs` (after `pnpm run build`) for one line.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'

const LIBRARIES = ['@obs/metrics', '@prometheus-io/client', 'fastify-metrics']
/** Native histograms exist in @obs/metrics only: no other Node client has them. */
const OURS = ['@obs/metrics']

/**
 * 20 latencies per series spread from 1 ms to 10 s (log-uniform, a low-discrepancy sequence
 * shifted per series): about 19 native buckets at the default schema 3, as a busy endpoint or an
 * LLM call would fill them.
 */
const SPREAD = 20
const FASTIFY_ROUTE = 'Fastify alone, per route served'
const latency = (i, j) => 10 ** (-3 + 4 * ((i * 0.7548776662 + j * 0.5698402910) % 1))

/**
 * What is measured: a name, how many series, the options of the metric, how one series is
 * recorded and which libraries have it. `request` kinds are the plugin's own
 * http_request_duration_seconds: one route per series, registered before the measurement (so
 * Fastify's routes are not counted), one request each.
 */
const KINDS = [
  { name: 'counter', type: 'counter', n: 100_000, config: {}, record: (metric, labels) => metric.inc(labels, 1) },
  {
    name: 'histogram (classic, 11 buckets)',
    type: 'histogram',
    n: 20_000,
    config: {},
    record: (metric, labels) => { metric.observe(labels, 0.042); metric.observe(labels, 3) }
  },
  {
    name: 'histogram (classic + native, 1 observation)',
    type: 'histogram',
    n: 20_000,
    libraries: OURS,
    config: { native: true },
    record: (metric, labels) => metric.observe(labels, 0.042)
  },
  {
    name: `histogram (classic + native, ${SPREAD} observations 1 ms–10 s)`,
    type: 'histogram',
    n: 10_000,
    libraries: OURS,
    config: { native: true },
    record: (metric, labels, i) => { for (let j = 0; j < SPREAD; j++) metric.observe(labels, latency(i, j)) }
  },
  // What Fastify itself keeps per route once it has served it (about 9.6 KB on Node 24), taken
  // off the two rows below: the same routes and requests, without request metrics.
  { name: FASTIFY_ROUTE, request: true, n: 10_000, libraries: OURS, options: { requestMetrics: false } },
  { name: 'request duration (classic, 1 request)', request: true, n: 10_000, libraries: OURS, options: {}, less: FASTIFY_ROUTE },
  { name: 'request duration (classic + native, 1 request)', request: true, n: 10_000, libraries: OURS, options: { nativeHistograms: true }, less: FASTIFY_ROUTE }
]
const WARM = 1_000

/** Creates the metric in an app the way a user of `library` would; `scrape` reads its exposition. */
async function makeMetric (library, kind, max) {
  if (kind.request) return makeRoutes(kind, max)
  const config = { name: `jobs_${kind.type}`, help: 'Jobs.', labelNames: ['tenant', 'kind'], ...kind.config }
  const app = Fastify({ logger: false })
  if (library === '@obs/metrics') {
    const { default: metrics } = await import('@obs/metrics')
    await app.register(metrics, { processMetrics: false, requestMetrics: false, maxLabelSets: max })
    await app.ready()
    const metric = app.metrics[kind.type](config)
    return { app, record: (i) => kind.record(metric, labelsOf(i), i), scrape: async () => (await app.inject('/metrics')).body }
  }
  if (library === 'fastify-metrics') {
    const { default: fastifyMetrics } = await import('fastify-metrics')
    await app.register(fastifyMetrics, { endpoint: '/metrics', defaultMetrics: { enabled: false }, routeMetrics: { enabled: false } })
    await app.ready()
    const { client } = app.metrics
    const metric = new (kind.type === 'counter' ? client.Counter : client.Histogram)(config)
    return { app, record: (i) => kind.record(metric, labelsOf(i), i), scrape: async () => (await app.inject('/metrics')).body }
  }
  const client = await import('@prometheus-io/client')
  const registry = new client.Registry()
  const metric = new (kind.type === 'counter' ? client.Counter : client.Histogram)({ ...config, registers: [registry] })
  return { app, record: (i) => kind.record(metric, labelsOf(i), i), scrape: () => registry.metrics() }
}

/** The plugin's request metrics, with `max` routes registered up front; a series is one request to one. */
async function makeRoutes (kind, max) {
  const { default: metrics } = await import('@obs/metrics')
  const app = Fastify({ logger: false })
  await app.register(metrics, { processMetrics: false, agentMetrics: false, inFlight: false, maxLabelSets: max, ...kind.options })
  const handler = async () => 'ok'
  for (let i = 0; i < max; i++) app.get(`/r/${i}`, handler)
  await app.ready()
  return { app, record: (i) => app.inject(`/r/${i}`), scrape: async () => (await app.inject('/metrics')).body }
}

/** What the exposition of series `i` contains. */
const seriesMark = (kind, i) => kind.request ? `route="/r/${i}"` : `tenant="tenant-${i}"`

/** A series' labels, made as an app makes them: the libraries keep the first object and its strings. */
const labelsOf = (i) => ({ tenant: `tenant-${i}`, kind: 'online' })

const heapUsed = () => {
  for (let i = 0; i < 6; i++) globalThis.gc()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

/** In a child with --expose-gc: bytes of heap per series of `kind` in `library`. */
async function measureHere (library, kindName) {
  const kind = KINDS.find((k) => k.name === kindName)
  const { app, record, scrape } = await makeMetric(library, kind, WARM + kind.n)
  for (let i = 0; i < WARM; i++) await record(i)
  await scrape()
  const before = heapUsed()
  for (let i = WARM; i < WARM + kind.n; i++) await record(i)
  const after = heapUsed()
  // Still there, and every series was kept (none fell into an overflow series).
  const body = await scrape()
  if (kind.options?.requestMetrics !== false && !body.includes(seriesMark(kind, WARM + kind.n - 1))) throw new Error(`${library} ${kind.name}: the last series is missing`)
  await app.close()
  return (after - before) / kind.n
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measureHere(process.argv[3], process.argv[4])))
  process.exit(0)
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]

export async function run ({ rounds = 3, log = console.error } = {}) {
  const here = fileURLToPath(import.meta.url)
  const rows = []
  for (const kind of KINDS) {
    for (const library of kind.libraries ?? LIBRARIES) {
      const bytes = []
      for (let round = 0; round < rounds; round++) {
        bytes.push(Number(execFileSync(process.execPath, ['--expose-gc', here, '--child', library, kind.name], { encoding: 'utf8' })))
      }
      log(`${kind.name} ${library}: ${bytes.map((b) => b.toFixed(0)).join(', ')} bytes per series`)
      const less = kind.less === undefined ? 0 : rows.find((r) => r.kind.name === kind.less && r.library === library).bytes
      rows.push({ kind, library, bytes: median(bytes) - less })
    }
  }
  return `### Heap per series (median of ${rounds} fresh processes)\n\n` +
    'App metrics: labels `{tenant="tenant-<i>",kind="online"}`; a counter incremented once, a classic histogram observed twice ' +
    '(the client\'s default 11 buckets); a histogram with `native: true` (default schema 3) observed once, or ' +
    `${SPREAD} times with latencies spread from 1 ms to 10 s (one native bucket each, ${SPREAD} buckets per series). ` +
    '@obs/metrics app metrics are @prometheus-io/client metrics with the cap on label sets ' +
    '(`maxLabelSets`); fastify-metrics adds app metrics through the client it exposes. No other Node client has native histograms.\n\n' +
    'Request duration: the plugin\'s `http_request_duration_seconds` (with `nativeHistograms: true` or not), one route ' +
    '`/r/<i>` per series, registered before the measurement and requested once (`inject`); the row ' +
    `"${FASTIFY_ROUTE}" is the same without request metrics, and is taken off the two request rows.\n\n` +
    '| series | N | library | bytes per series |\n|---|---:|---|---:|\n' +
    rows.map((r) => `| ${r.kind.name} | ${r.kind.n} | ${r.library} | ${Math.round(r.bytes)} |`).join('\n') + '\n'
}

if (process.env.OBS_BENCH_CHILD !== '1' && process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run())
}
