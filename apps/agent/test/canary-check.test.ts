import { test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { compare } from '../scripts/canary-check.js'
import type { LoadStats } from '../scripts/probe-load.js'
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

const stats = (overrides: Partial<LoadStats>): LoadStats => ({ requests: 500, errors: 0, errorRatio: 0, p95: 100, p99: 200, ...overrides })
const limits = { threshold: 1.2, noiseMs: 5, errorTolerance: 0.005 }

test('the comparison: past the threshold on the error ratio, p95 or p99 fails; within it, or within the noise, passes', async (t) => {
  const baseline = stats({})
  t.same(compare(stats({ p95: 119, p99: 239 }), baseline, limits), [], 'up to 1.2x')
  t.same(compare(stats({ p95: 121 }), baseline, limits), ['canary p95 121.0 ms is 1.21x the baseline\'s 100.0 ms (threshold 1.2)'])
  t.same(compare(stats({ p99: 300 }), baseline, limits), ['canary p99 300.0 ms is 1.50x the baseline\'s 200.0 ms (threshold 1.2)'])
  t.same(compare(stats({ p95: 4, p99: 4 }), stats({ p95: 1, p99: 1 }), limits), [], '4x, but 3 ms apart: noise')
  t.same(compare(stats({ errors: 2, errorRatio: 0.004 }), baseline, limits), [], 'a few errors more than none: within the tolerance')
  t.same(compare(stats({ errors: 10, errorRatio: 0.02 }), baseline, limits), ['canary error ratio 2.00% is past 1.2x the baseline\'s 0.00%'])
  t.same(compare(stats({ errors: 55, errorRatio: 0.11 }), stats({ errors: 50, errorRatio: 0.1 }), limits), [], '1.1x the baseline\'s errors')
  t.same(compare(stats({ requests: 0, p95: Infinity, p99: Infinity }), baseline, limits).length, 3, 'no answer at all')
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
  t.match(result.stderr, /deploy check failed: canary p95 [\d.]+ ms is [\d.]+x the baseline's [\d.]+ ms \(threshold 1\.2\)/)
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
