// A scrape of 10,000 and of 100,000 series while requests are being served: the scrape's own
// latency (p50, p99) and the longest the server's event loop was blocked meanwhile (in main-thread
// CPU time between two turns of the loop, and in wall time: the max of monitorEventLoopDelay at
// 1 ms resolution), for @obs/metrics, @prometheus-io/client used directly and fastify-metrics. autocannon loads GET /users/:id while this process scrapes
// /metrics over HTTP, one scrape every SCRAPE_GAP_MS; the request p99 shows what the scrapes
// cost the requests. "@obs/metrics (protobuf)" is the same app with native buckets kept beside the
// classic ones, scraped with the Accept of Prometheus with native histograms on (the peers have no
// protobuf format). `pnpm bench 1 scrape-at-scale --node 24,26`.
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { median, pinSelf, startServer } from './harness.mjs'

const SIZES = [10_000, 100_000]
const PROTOBUF = '@obs/metrics (protobuf)'
const VARIANTS = ['@obs/metrics', PROTOBUF, '@prometheus-io/client', 'fastify-metrics']
// What Prometheus (2.42) sends with --enable-feature=native-histograms.
const PROTOBUF_ACCEPT = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,' +
  'application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

// The same @obs/metrics server under the same load, never scraped: how long the loop stalls on
// this machine anyway (GC, other processes on the core). A variant's block is its scrape's only
// where it stands above this floor.
const FLOOR = 'no scrape (floor)'
const SCRAPE_GAP_MS = 100
const script = fileURLToPath(new URL('./servers/scrape-at-scale.mjs', import.meta.url))

const quantile = (values, q) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]
}

/** Scrapes `url` until `signal` fires; returns each scrape's time in ms and the last body's size. */
async function scrapeUntil (url, headers, signal) {
  const times = []
  let bytes = 0
  while (!signal.aborted) {
    const start = performance.now()
    const response = await fetch(url, { headers })
    const body = await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
    times.push(performance.now() - start)
    bytes = body.byteLength
    await sleep(SCRAPE_GAP_MS)
  }
  return { times, bytes }
}

async function measure (variant, series, seconds) {
  const scraped = variant !== FLOOR
  const server = await startServer(script, [scraped ? variant : '@obs/metrics', String(series)])
  const base = `http://127.0.0.1:${server.port}`
  const headers = variant === PROTOBUF ? { accept: PROTOBUF_ACCEPT } : {}
  try {
    // Warm up both paths, then start counting from a quiet loop.
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/metrics`, { headers })
      await response.arrayBuffer()
      if (variant === PROTOBUF && !response.headers.get('content-type').startsWith('application/vnd.google.protobuf')) throw new Error(`${variant}: not protobuf`)
    }
    await autocannon({ url: `${base}/users/1`, connections: 20, duration: 1 })
    await server.loopDelay()
    const done = new AbortController()
    const scraping = scraped ? scrapeUntil(`${base}/metrics`, headers, done.signal) : { times: [], bytes: 0 }
    const load = await autocannon({ url: `${base}/users/1`, connections: 20, duration: seconds })
    done.abort()
    const { times, bytes } = await scraping
    const loop = await server.loopDelay()
    if (load.non2xx > 0 || load.errors > 0) throw new Error(`${variant}: ${load.non2xx} non-2xx, ${load.errors} errors`)
    return { times, bytes, loopMaxMs: loop.maxMs, loopP99Ms: loop.p99Ms, cpuBlockMs: loop.maxCpuBlockMs, rps: load.requests.average, requestP99: load.latency.p99 }
  } finally {
    await server.stop()
  }
}

const fixed = (value) => Number.isNaN(value) ? '–' : value.toFixed(1)

export async function run ({ rounds = 1, seconds = 6, log = console.error } = {}) {
  pinSelf(1)
  const rows = []
  for (const series of SIZES) {
    const runs = Object.fromEntries([...VARIANTS, FLOOR].map((v) => [v, []]))
    for (let round = 1; round <= rounds; round++) {
      for (const variant of [...VARIANTS, FLOOR]) {
        const result = await measure(variant, series, seconds)
        runs[variant].push(result)
        log(`round ${round}/${rounds} ${series} series ${variant.padEnd(24)} scrapes ${result.times.length}  p50 ${quantile(result.times, 0.5).toFixed(1)} ms  ` +
          `p99 ${quantile(result.times, 0.99).toFixed(1)} ms  loop max ${result.loopMaxMs.toFixed(1)} ms p99 ${result.loopP99Ms.toFixed(1)} ms CPU block ${result.cpuBlockMs.toFixed(1)} ms  ${Math.round(result.rps)} req/s p99 ${result.requestP99} ms`)
      }
    }
    for (const variant of [...VARIANTS, FLOOR]) {
      const all = runs[variant]
      const times = all.flatMap((r) => r.times)
      rows.push({
        series,
        variant,
        scrapes: times.length,
        p50: quantile(times, 0.5),
        p99: quantile(times, 0.99),
        loopMax: Math.max(...all.map((r) => r.loopMaxMs)),
        loopP99: Math.max(...all.map((r) => r.loopP99Ms)),
        cpuBlock: Math.max(...all.map((r) => r.cpuBlockMs)),
        rps: median(all.map((r) => r.rps)),
        requestP99: median(all.map((r) => r.requestP99)),
        bytes: all.at(-1).bytes
      })
    }
  }
  return `### Scrape under load (GET /users/:id by autocannon, 20 connections, ${seconds} s × ${rounds} round${rounds > 1 ? 's' : ''}; ` +
    `a scrape every ${SCRAPE_GAP_MS} ms after the last one ended)\n\n` +
    'Series: half a counter (one label set each), half a histogram (14 series per label set), plus each variant\'s request metrics. ' +
    `"${PROTOBUF}": the same app with native buckets kept beside the classic ones (the histogram and the request duration), scraped with ` +
    'the `Accept` of Prometheus with native histograms on, which gets the protobuf format; the peers have none. ' +
    'Longest block, CPU: the most CPU time the server\'s main thread spent between two turns of its loop (a 1 ms timer reading ' +
    '`process.threadCpuUsage()`), garbage collection included: the work that held the loop, whatever else ran on the machine. ' +
    'Longest block, wall: the max of the server\'s `monitorEventLoopDelay` (1 ms resolution), which also counts the time the server waited ' +
    `for a core; loop delay p99 likewise. All three over the loaded period, worst round. "${FLOOR}" is the @obs/metrics server under the same ` +
    'load, never scraped: what the machine causes anyway.\n\n' +
    '| series | variant | scrapes | scrape ms (p50) | scrape ms (p99) | longest block, CPU ms | longest block, wall ms | loop delay p99 ms | req/s (median) | request p99 ms | body bytes |\n' +
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
    rows.map((r) => `| ${r.series} | ${r.variant} | ${r.scrapes} | ${fixed(r.p50)} | ${fixed(r.p99)} | ${r.cpuBlock.toFixed(1)} | ${r.loopMax.toFixed(1)} | ${r.loopP99.toFixed(1)} | ${Math.round(r.rps)} | ${r.requestP99} | ${r.bytes || '–'} |`).join('\n') + '\n'
}
