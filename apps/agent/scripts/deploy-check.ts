// A deployment check for a CD pipeline, in two modes.
//
// One instance, freshly deployed:
//   node apps/agent/dist/scripts/deploy-check.js --url http://agent.staging --seconds 10 --p99-ms 250
// checks that the probes answer as expected, that /metrics is valid and holds the RED series, and
// that latency under a short load (scripts/probe-load.ts) stays within the budget.
//
// A canary against the production baseline (seed 003):
//   node apps/agent/dist/scripts/deploy-check.js --canary http://agent-canary --baseline http://agent --seconds 300 --threshold 1.2
// sends the same load to both for the monitoring duration and compares their error ratio, p95
// and p99 (scripts/canary-check.ts).
//
// Exit 0 when all holds; otherwise 1, with every reason on stderr, so that the pipeline can roll back.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from './args.js'
import { canaryCheck } from './canary-check.js'
import { status, waitReady } from './http-status.js'
import { describeLoad, type LoadStats, probeLoad } from './probe-load.js'

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

export async function deployCheck (options: CheckOptions): Promise<CheckReport> {
  const failures: string[] = []
  const notes: string[] = []
  const at = (path: string): string => new URL(path, options.url).toString()

  // Probes: startup and readiness may need a moment on a fresh instance.
  const ready = await waitReady(options.url, options.readySeconds)
  for (const [path, got] of [['/health/live', await status(at('/health/live'))], ['/health/startup', await status(at('/health/startup'))], ['/health/ready', ready]] as const) {
    if (got !== 200) failures.push(`${path} answered ${got}, expected 200`)
  }

  const [load] = await probeLoad([options.url], options.seconds, options.concurrency) as [LoadStats]
  notes.push(`load: ${describeLoad(load)} in ${options.seconds} s`)
  if (load.requests === 0) failures.push('the load sent no request')
  if (load.p99 > options.p99Ms) failures.push(`p99 latency ${load.p99.toFixed(1)} ms is over the budget of ${options.p99Ms} ms`)
  if (load.errors > 0) failures.push(`${load.errors} requests of the load failed (5xx or no answer)`)

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

/** The command line's options and their defaults. */
export const OPTIONS = {
  url: 'http://127.0.0.1:3000',
  seconds: '10',
  concurrency: '4',
  'p99-ms': '250',
  'ready-seconds': '30',
  canary: '',
  baseline: '',
  threshold: '1.2',
  'noise-ms': '5',
  'error-tolerance': '0.005'
}

/** Runs the check the arguments ask for: the canary comparison when `--canary` is given. */
export async function runFromArgs (argv: readonly string[]): Promise<CheckReport> {
  const args = parseArgs(argv, OPTIONS)
  const common = { seconds: Number(args.seconds), concurrency: Number(args.concurrency), readySeconds: Number(args['ready-seconds']) }
  if (args.canary === '') return deployCheck({ ...common, url: args.url!, p99Ms: Number(args['p99-ms']) })
  if (args.baseline === '') throw new Error('--canary needs --baseline, the production instance to compare it with')
  const threshold = Number(args.threshold)
  if (!(threshold >= 1)) throw new Error(`--threshold must be a number, at least 1 (1.2 allows 20% worse), got ${args.threshold}`)
  return canaryCheck({ ...common, canary: args.canary!, baseline: args.baseline!, threshold, noiseMs: Number(args['noise-ms']), errorTolerance: Number(args['error-tolerance']) })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await runFromArgs(process.argv.slice(2)).catch((error: Error) => {
    console.error(`deploy check: ${error.message}`)
    process.exit(2)
  })
  for (const note of report.notes) console.log(note)
  for (const failure of report.failures) console.error(`deploy check failed: ${failure}`)
  console.log(report.ok ? 'deploy check passed' : 'deploy check FAILED')
  process.exit(report.ok ? 0 : 1)
}
