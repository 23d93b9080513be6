// Heap per series: what one more label set of an app counter or histogram holds, for
// @obs/metrics, @prometheus-io/client used directly and fastify-metrics. Each measurement runs in
// a fresh process with --expose-gc: a few series first (so that code and lazy structures exist),
// then heapUsed after full collections, N more series, collections again, and the difference
// divided by N. The labels object of each series and its strings are made as an app makes them
// and counted: every library keeps them. `pnpm bench 1 memory-per-series --node 24,26`, or
// `node bench/memory-per-series.mjs` (after `pnpm run build`) for one line.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'

const LIBRARIES = ['@obs/metrics', '@prometheus-io/client', 'fastify-metrics']

/**
 * What is measured: a name, how many series, the options of the metric and how one series is
 * recorded. A native histogram, once the option exists, is one more entry here, e.g.
 * `{ name: 'histogram (native)', type: 'histogram', config: { native: true }, ... }`.
 */
const KINDS = [
  { name: 'counter', type: 'counter', n: 100_000, config: {}, record: (metric, labels) => metric.inc(labels, 1) },
  {
    name: 'histogram (classic, 11 buckets)',
    type: 'histogram',
    n: 20_000,
    config: {},
    record: (metric, labels) => { metric.observe(labels, 0.042); metric.observe(labels, 3) }
  }
]
const WARM = 1_000
const ROUNDS = 3

/** Creates the metric in an app the way a user of `library` would; `scrape` reads its exposition. */
async function makeMetric (library, kind, max) {
  const config = { name: `jobs_${kind.type}`, help: 'Jobs.', labelNames: ['tenant', 'kind'], ...kind.config }
  const app = Fastify({ logger: false })
  if (library === '@obs/metrics') {
    const { default: metrics } = await import('@obs/metrics')
    await app.register(metrics, { processMetrics: false, requestMetrics: false, maxLabelSets: max })
    await app.ready()
    return { app, metric: app.metrics[kind.type](config), scrape: async () => (await app.inject('/metrics')).body }
  }
  if (library === 'fastify-metrics') {
    const { default: fastifyMetrics } = await import('fastify-metrics')
    await app.register(fastifyMetrics, { endpoint: '/metrics', defaultMetrics: { enabled: false }, routeMetrics: { enabled: false } })
    await app.ready()
    const { client } = app.metrics
    return { app, metric: new (kind.type === 'counter' ? client.Counter : client.Histogram)(config), scrape: async () => (await app.inject('/metrics')).body }
  }
  const client = await import('@prometheus-io/client')
  const registry = new client.Registry()
  return { app, metric: new (kind.type === 'counter' ? client.Counter : client.Histogram)({ ...config, registers: [registry] }), scrape: () => registry.metrics() }
}

/** A series' labels, made as an app makes them: the libraries keep the first object and its strings. */
const labelsOf = (i) => ({ tenant: `tenant-${i}`, kind: 'online' })

const heapUsed = () => {
  for (let i = 0; i < 6; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}

/** In a child with --expose-gc: bytes of heap per series of `kind` in `library`. */
async function measureHere (library, kindName) {
  const kind = KINDS.find((k) => k.name === kindName)
  const { app, metric, scrape } = await makeMetric(library, kind, WARM + kind.n)
  for (let i = 0; i < WARM; i++) kind.record(metric, labelsOf(i))
  await scrape()
  const before = heapUsed()
  for (let i = WARM; i < WARM + kind.n; i++) kind.record(metric, labelsOf(i))
  const after = heapUsed()
  // Still there, and every series was kept (none fell into an overflow series).
  const body = await scrape()
  if (!body.includes(`tenant="tenant-${WARM + kind.n - 1}"`)) throw new Error(`${library} ${kind.name}: the last series is missing`)
  await app.close()
  return (after - before) / kind.n
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measureHere(process.argv[3], process.argv[4])))
  process.exit(0)
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]

export async function run ({ log = console.error } = {}) {
  const here = fileURLToPath(import.meta.url)
  const rows = []
  for (const kind of KINDS) {
    for (const library of LIBRARIES) {
      const bytes = []
      for (let round = 0; round < ROUNDS; round++) {
        bytes.push(Number(execFileSync(process.execPath, ['--expose-gc', here, '--child', library, kind.name], { encoding: 'utf8' })))
      }
      log(`${kind.name} ${library}: ${bytes.map((b) => b.toFixed(0)).join(', ')} bytes per series`)
      rows.push({ kind, library, bytes: median(bytes) })
    }
  }
  return `### Heap per series (median of ${ROUNDS} fresh processes)\n\n` +
    'Each series: labels `{tenant="tenant-<i>",kind="online"}`; a counter incremented once, a histogram observed twice ' +
    '(the client\'s default 11 buckets). @obs/metrics app metrics are @prometheus-io/client metrics with the cap on label sets ' +
    '(`maxLabelSets`), which remembers each label set it has let in; fastify-metrics adds app metrics through the client it exposes.\n\n' +
    '| series | N | library | bytes per series |\n|---|---:|---|---:|\n' +
    rows.map((r) => `| ${r.kind.name} | ${r.kind.n} | ${r.library} | ${Math.round(r.bytes)} |`).join('\n') + '\n'
}

if (process.env.OBS_BENCH_CHILD !== '1' && process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run())
}
