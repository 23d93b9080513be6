import { test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { freePort } from '@obs/test-support/free-port'
import { deployCheck } from '../scripts/deploy-check.js'
import { listeningApp } from './helpers.js'

const CLI = fileURLToPath(new URL('../dist/scripts/deploy-check.js', import.meta.url))

test('a fresh instance passes the deployment check', async (t) => {
  const { url } = await listeningApp(t)
  const report = await deployCheck({ url, seconds: 2, concurrency: 2, p99Ms: 2000, readySeconds: 5 })
  t.same(report.failures, [])
  t.ok(report.ok)
  t.match(report.notes[0], /^load: \d+ requests, 0 errors \(0\.00%\), p95 [\d.]+ ms, p99 [\d.]+ ms in 2 s$/)
})

test('it fails with the reason: a latency budget that cannot be met, an instance that is not ready', async (t) => {
  const { app, url } = await listeningApp(t)
  const tooTight = await deployCheck({ url, seconds: 1, concurrency: 1, p99Ms: 0.001, readySeconds: 1 })
  t.notOk(tooTight.ok)
  t.match(tooTight.failures.join('\n'), /p99 latency [\d.]+ ms is over the budget of 0.001 ms/)

  // A failing critical check makes readiness 503: the check says so.
  app.health.addCheck({ name: 'db', check: () => false })
  const notReady = await deployCheck({ url, seconds: 1, concurrency: 1, p99Ms: 5000, readySeconds: 1 })
  t.notOk(notReady.ok)
  t.match(notReady.failures.join('\n'), /\/health\/ready answered 503, expected 200/)
})

test('the command exits 1 with the reasons when nothing answers', async (t) => {
  const port = await freePort()
  const child = spawn(process.execPath, [CLI, '--url', `http://127.0.0.1:${port}`, '--seconds', '1', '--ready-seconds', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const [code] = await once(child, 'exit')
  t.equal(code, 1)
  t.match(stderr, /deploy check failed: \/health\/live answered fetch failed/)
  t.match(stderr, /\/metrics could not be read/)
})
