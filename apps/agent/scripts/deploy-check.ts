// A deployment check for a freshly deployed instance, for a CD pipeline:
//   node apps/agent/dist/scripts/deploy-check.js --url http://agent.staging --seconds 10 --p99-ms 250
// It checks that the probes answer as expected, that /metrics is valid and holds the RED series,
// and that latency under a short load (task submissions that wait for the answer, and reads)
// stays within the budget. The load leaves its tasks in the service's task list. Exit 0 when
// all hold; otherwise 1, with every reason on stderr.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from './args.js'

export interface CheckOptions {
  url: string
  /** Seconds of load. */
  seconds: number
  concurrency: number
  /** Budget for the p99 latency of the load, in ms. */
  p99Ms: number
  /** How long to wait for readiness first, in seconds. */
  readySeconds: number
}

export interface CheckReport {
  ok: boolean
  failures: string[]
  notes: string[]
}

// One sample line of the text format: name, optional labels (quoted values may hold anything
// escaped), a value, an optional timestamp.
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)( -?\d+)?$/

/** Problems of an exposition in the text format: promtool's when it is installed, else a line check. */
function expositionProblems (text: string): string[] {
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  if (promtool.error === undefined) {
    return promtool.status === 0 ? [] : [`promtool check metrics: ${(promtool.stdout + promtool.stderr).trim()}`]
  }
  return text.split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !SAMPLE.test(line))
    .slice(0, 5)
    .map((line) => `malformed sample line: ${line.slice(0, 200)}`)
}

async function status (url: string): Promise<number | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await response.arrayBuffer()
    return response.status
  } catch (error) {
    return (error as Error).message
  }
}

export async function deployCheck (options: CheckOptions): Promise<CheckReport> {
  const failures: string[] = []
  const notes: string[] = []
  const at = (path: string): string => new URL(path, options.url).toString()

  // Probes: startup and readiness may need a moment on a fresh instance.
  const deadline = Date.now() + options.readySeconds * 1000
  let ready = await status(at('/health/ready'))
  while (ready !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    ready = await status(at('/health/ready'))
  }
  for (const [path, got] of [['/health/live', await status(at('/health/live'))], ['/health/startup', await status(at('/health/startup'))], ['/health/ready', ready]] as const) {
    if (got !== 200) failures.push(`${path} answered ${got}, expected 200`)
  }

  // A short load: task submissions and reads, the path users take.
  const latencies: number[] = []
  let errors = 0
  const until = Date.now() + options.seconds * 1000
  let i = 0
  await Promise.all(Array.from({ length: options.concurrency }, async () => {
    while (Date.now() < until) {
      const post = i++ % 2 === 0
      const started = performance.now()
      try {
        // Submissions wait for the answer, so the p99 covers the pipeline, not only the queue.
        const response = await fetch(at(post ? '/tasks?wait=true' : '/tasks?limit=10'), {
          method: post ? 'POST' : 'GET',
          ...(post ? { body: JSON.stringify({ query: 'What is an SLO burn rate?' }), headers: { 'content-type': 'application/json' } } : {}),
          signal: AbortSignal.timeout(10_000)
        })
        await response.arrayBuffer()
        if (response.status >= 500) errors++
      } catch {
        errors++
      }
      latencies.push(performance.now() - started)
    }
  }))
  latencies.sort((a, b) => a - b)
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Infinity
  notes.push(`load: ${latencies.length} requests in ${options.seconds} s, p99 ${p99.toFixed(1)} ms, ${errors} errors`)
  if (latencies.length === 0) failures.push('the load sent no request')
  if (p99 > options.p99Ms) failures.push(`p99 latency ${p99.toFixed(1)} ms is over the budget of ${options.p99Ms} ms`)
  if (errors > 0) failures.push(`${errors} requests of the load failed (5xx or no answer)`)

  // Metrics: valid, with the RED series of the routes just used.
  try {
    const response = await fetch(at('/metrics'), { signal: AbortSignal.timeout(5000) })
    const text = await response.text()
    if (response.status !== 200) failures.push(`/metrics answered ${response.status}`)
    failures.push(...expositionProblems(text))
    for (const series of ['http_requests_total{method="POST",route="/tasks"', 'http_request_duration_seconds_bucket{method="POST",route="/tasks"']) {
      if (!text.includes(series)) failures.push(`/metrics has no ${series}…} series`)
    }
  } catch (error) {
    failures.push(`/metrics could not be read: ${(error as Error).message}`)
  }
  return { ok: failures.length === 0, failures, notes }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2), { url: 'http://127.0.0.1:3000', seconds: '10', concurrency: '4', 'p99-ms': '250', 'ready-seconds': '30' })
  const report = await deployCheck({
    url: args.url!,
    seconds: Number(args.seconds),
    concurrency: Number(args.concurrency),
    p99Ms: Number(args['p99-ms']),
    readySeconds: Number(args['ready-seconds'])
  })
  for (const note of report.notes) console.log(note)
  for (const failure of report.failures) console.error(`deploy check failed: ${failure}`)
  console.log(report.ok ? 'deploy check passed' : 'deploy check FAILED')
  process.exit(report.ok ? 0 : 1)
}
