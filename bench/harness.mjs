// Load-benchmark harness: each variant is a server in its own process pinned to core 0, the
// load generator (autocannon, in this process) is pinned to core 1. Variants are interleaved
// within each round, so drift on a shared machine hits them alike. The server reports its own
// CPU time, which is steadier than req/s: contention only adds time, so the best round is the
// steadiest figure of a variant's cost.
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import autocannon from 'autocannon'

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

export function pinSelf (core) {
  if (hasTaskset) execFileSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' })
}

/**
 * Starts `node <nodeArgs> <script> <args>` on core 0; it must `process.send({ port })` once
 * listening. `nodeArgs` are Node's own flags, e.g. `--max-old-space-size=512`.
 */
export async function startServer (script, args = [], nodeArgs = []) {
  const command = hasTaskset ? 'taskset' : process.execPath
  const argv = hasTaskset ? ['-c', '0', process.execPath, ...nodeArgs, script, ...args] : [...nodeArgs, script, ...args]
  const child = spawn(command, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const [message] = await once(child, 'message')
  const ask = (type) => new Promise((resolve) => {
    child.once('message', resolve)
    child.send({ type })
  })
  return {
    port: message.port,
    /** Server CPU time (user + system) in microseconds. */
    cpu: async () => (await ask('cpu')).cpu,
    /** What the server reports of its memory, when it answers `memory` (see servers/health-storm.mjs). */
    memory: async () => (await ask('memory')).memory,
    /** Server-side probe times since the last call, when it answers `probe-times`. */
    probeTimes: async () => (await ask('probe-times')).probeTimes,
    /** The server's event-loop delay since the last call, when it answers `loop-delay` (see servers/scrape-at-scale.mjs). */
    loopDelay: async () => (await ask('loop-delay')).loopDelay,
    stop: async () => {
      child.kill('SIGTERM')
      if (child.exitCode === null) await once(child, 'exit')
    }
  }
}

/** The server side of the protocol: call once listening. */
export function serveBenchProtocol (port) {
  process.on('message', (message) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage()
      process.send({ cpu: usage.user + usage.system })
    } else if (message.type === 'exit') {
      process.exit(0) // a normal exit, so that --cpu-prof writes its profile
    }
  })
  process.send({ port })
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Runs every variant `rounds` times, interleaved. Returns one row per variant with the best CPU
 * µs per request, the CPU it adds over `baseline`, the median req/s ratio to the baseline in the
 * same round, and the median p99 latency.
 */
export async function loadBench ({ variants, baseline, path, rounds = 5, warmupSeconds = 2, seconds = 5, connections = 50, log = console.error }) {
  pinSelf(1)
  const runs = Object.fromEntries(variants.map((v) => [v.name, []]))
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      const server = await startServer(variant.script, variant.args)
      const url = `http://127.0.0.1:${server.port}${path}`
      await autocannon({ url, connections, duration: warmupSeconds })
      const before = await server.cpu()
      const result = await autocannon({ url, connections, duration: seconds })
      const cpu = (await server.cpu()) - before
      await server.stop()
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant.name}: ${result.non2xx} non-2xx, ${result.errors} errors`)
      const run = { rps: result.requests.average, p99: result.latency.p99, cpuPerRequest: cpu / result.requests.total }
      runs[variant.name].push(run)
      log(`round ${round}/${rounds} ${variant.name.padEnd(28)} ${Math.round(run.rps)} req/s  p99 ${run.p99} ms  ${run.cpuPerRequest.toFixed(2)} µs CPU/req`)
    }
  }
  const bestCpu = (name) => Math.min(...runs[name].map((r) => r.cpuPerRequest))
  return variants.map(({ name }) => ({
    name,
    rps: median(runs[name].map((r) => r.rps)),
    ratio: median(runs[name].map((r, i) => r.rps / runs[baseline][i].rps)),
    p99: median(runs[name].map((r) => r.p99)),
    cpuPerRequest: bestCpu(name),
    addedCpu: bestCpu(name) - bestCpu(baseline)
  }))
}

export function loadTable (rows) {
  const lines = [
    '| variant | req/s (median) | ratio to bare (median of rounds) | p99 ms (median) | server CPU µs/req (best) | added CPU µs/req |',
    '|---|---:|---:|---:|---:|---:|'
  ]
  for (const row of rows) {
    lines.push(`| ${row.name} | ${Math.round(row.rps)} | ${row.ratio.toFixed(2)}x | ${row.p99} | ${row.cpuPerRequest.toFixed(2)} | ${row.addedCpu >= 0 ? '+' : ''}${row.addedCpu.toFixed(2)} |`)
  }
  return lines.join('\n')
}

export { median }
