import { test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { compare } from '../scripts/canary-check.js'
import { quantileBounds, summarize } from '../scripts/probe-load.js'
import { listeningApp } from './helpers.js'

const CLI = fileURLToPath(new URL('../dist/scripts/deploy-check.js', import.meta.url))

async function deployCheck (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const [code] = await once(child, 'exit') as [number]
  return { code, stdout, stderr }
}

// n latencies spread evenly (the i-th is i ms, times the scale), as a load's statistics.
const spread = (n: number, scale = 1, errors = 0) => summarize(Array.from({ length: n }, (_, i) => (i + 1) * scale), errors)
const limits = { threshold: 1.2, noiseMs: 5, errorTolerance: 0.005 }

test('quantile bounds: the order statistics a standard error of the binomial around n × q', async (t) => {
  const { latencies, p99 } = spread(250)
  t.equal(p99, 248, 'the third largest')
  t.same(quantileBounds(latencies, 0.99), { low: 245, high: 250 })
  t.same(quantileBounds(spread(1000).latencies, 0.95), { low: 943, high: 957 })
  t.same(quantileBounds([], 0.95), { low: Infinity, high: Infinity })
})

test('the comparison: past the threshold beyond sampling on the error ratio, p95 or p99 fails; within it, or within the noise, passes', async (t) => {
  t.same(compare(spread(1000), spread(1000), limits), [], 'equal')
  t.same(compare(spread(1000, 1.1), spread(1000), limits), [], '1.1x')
  t.same(compare(spread(1000, 1.5), spread(1000), limits), [
    'canary p95 1425.0 ms is 1.50x the baseline\'s 950.0 ms, at least 1.48x allowing for sampling (threshold 1.2)',
    'canary p99 1485.0 ms is 1.50x the baseline\'s 990.0 ms, at least 1.49x allowing for sampling (threshold 1.2)'
  ])
  t.same(compare(spread(250, 1.22), spread(250), limits), [], '1.22x over 250 requests: within what sampling explains')
  t.equal(compare(spread(10_000, 1.22), spread(10_000), limits).length, 2, 'the same over 10,000: past it')
  t.same(compare(spread(250, 0.01), spread(250, 0.002), limits), [], '5x, but a few ms apart: noise')
  t.same(compare(spread(1000, 1, 2), spread(1000), limits), [], 'two errors more than none: within the tolerance')
  t.same(compare(spread(1000, 1, 20), spread(1000), limits), ['canary error ratio 2.00% is past 1.2x the baseline\'s 0.00%'])
  t.same(compare(spread(1000, 1, 110), spread(1000, 1, 100), limits), [], '1.1x the baseline\'s errors')
  t.equal(compare(spread(0), spread(1000), limits)[0], 'the canary answered no request')
})

test('deploy-check --canary: two equal instances pass', async (t) => {
  // The same configuration and seed: the simulated model draws the same latencies on both.
  const canary = await listeningApp(t, { llmLatencyScale: 0.1 })
  const baseline = await listeningApp(t, { llmLatencyScale: 0.1 })
  const result = await deployCheck(['--canary', canary.url, '--baseline', baseline.url, '--seconds', '3', '--concurrency', '4', '--ready-seconds', '5'])
  t.equal(result.code, 0, result.stdout + result.stderr)
  t.match(result.stdout, /^canary {3}http:\/\/127\.0\.0\.1:\d+: \d+ requests, 0 errors \(0\.00%\), p95 [\d.]+ ms, p99 [\d.]+ ms$/m)
  t.match(result.stdout, /^over 3 s: p95 [\d.]+x, p99 [\d.]+x the baseline's \(threshold 1\.2\)$/m)
  t.match(result.stdout, /deploy check passed/)
})

test('deploy-check --canary: a canary whose model is three times slower fails, so that the pipeline rolls back', async (t) => {
  const canary = await listeningApp(t, { llmLatencyScale: 0.3 })
  const baseline = await listeningApp(t, { llmLatencyScale: 0.1 })
  const result = await deployCheck(['--canary', canary.url, '--baseline', baseline.url, '--seconds', '3', '--concurrency', '4', '--ready-seconds', '5'])
  t.equal(result.code, 1, result.stdout + result.stderr)
  t.match(result.stderr, /deploy check failed: canary p95 [\d.]+ ms is [\d.]+x the baseline's [\d.]+ ms, at least [\d.]+x allowing for sampling \(threshold 1\.2\)/)
  t.match(result.stdout, /deploy check FAILED/)
})

test('deploy-check --canary: a canary that is not ready fails at once; a canary without a baseline is a usage error', async (t) => {
  const { app, url } = await listeningApp(t)
  const baseline = await listeningApp(t)
  app.health.addCheck({ name: 'db', check: () => false })
  const notReady = await deployCheck(['--canary', url, '--baseline', baseline.url, '--seconds', '1', '--ready-seconds', '1'])
  t.equal(notReady.code, 1)
  t.match(notReady.stderr, /deploy check failed: canary http:\/\/127\.0\.0\.1:\d+\/health\/ready answered 503, expected 200/)

  const usage = await deployCheck(['--canary', url])
  t.equal(usage.code, 2)
  t.match(usage.stderr, /--canary needs --baseline/)
  const threshold = await deployCheck(['--canary', url, '--baseline', baseline.url, '--threshold', '0.8'])
  t.equal(threshold.code, 2)
  t.match(threshold.stderr, /--threshold must be a number, at least 1/)
})
