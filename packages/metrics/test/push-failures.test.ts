import { test } from 'tap'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { Registry } from '@prometheus-io/client'
import metrics from '../src/index.js'
import { Pusher } from '../src/push/pusher.js'
import { pushSelfMetrics } from '../src/push/self-metrics.js'
import type { Sink } from '../src/push/sinks/types.js'
import { startOtlpReceiver } from '../../../test-support/otlp-receiver.js'
import { freePort } from '../../../test-support/free-port.js'
import { waitFor } from '../../../test-support/wait-for.js'

function logCapture (): { stream: Writable, lines: Array<Record<string, unknown>>, text: () => string } {
  const lines: Array<Record<string, unknown>> = []
  let raw = ''
  const stream = new Writable({
    write (chunk, _encoding, done) {
      raw += String(chunk)
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line))
      done()
    }
  })
  return { stream, lines, text: () => raw }
}

const exportedLine = (type: string, error?: string): RegExp =>
  new RegExp(`otel_sdk_exporter_metric_data_point_exported_total\\{otel_component_type="${type}"${error === undefined ? '' : `,error_type="${error}"`}\\} [1-9]`)

test('a collector that refuses: counted by error type, logged without secrets, the app unaffected, then recovery', async (t) => {
  const receiver = await startOtlpReceiver((body) => body.length)
  t.teardown(() => receiver.close())
  receiver.failWith = 400 // not retryable: each push fails at once
  const log = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  await app.register(metrics, { processMetrics: false, push: { intervalMs: 50, otlp: { endpoint: `${receiver.url}/v1/metrics?token=hidden`, headers: { authorization: 'Bearer s3cret' } } } })
  app.get('/', async () => 'fine')
  await app.ready()

  await waitFor('a counted failure', async () => exportedLine('otlp_http_metric_exporter', '400').test((await app.inject({ url: '/metrics' })).body) ? true : undefined)
  t.equal((await app.inject({ url: '/' })).body, 'fine', 'the app keeps serving')
  const warnings = log.lines.filter((l) => l.msg === '@obs/metrics: metrics push failed; the next one will try again')
  t.ok(warnings.length >= 1)
  t.equal(warnings[0]!.error_type, '400')
  t.equal(warnings[0]!.otel_component_type, 'otlp_http_metric_exporter')
  t.equal(warnings[0]!.target, receiver.url, 'the target is logged as its origin: no path, no query string')
  t.notMatch(log.text(), /s3cret|hidden/, 'neither header values nor the query string are logged')

  receiver.failWith = undefined
  await waitFor('an export after recovery', async () => receiver.exports.length > 0 ? true : undefined)
  await waitFor('the recovery log', async () => log.lines.some((l) => l.msg === '@obs/metrics: metrics push works again') ? true : undefined)
  t.match((await app.inject({ url: '/metrics' })).body, exportedLine('otlp_http_metric_exporter'), 'successes are counted too')
  await app.close()
})

test('a collector that is down: counted as ECONNREFUSED, close still returns', async (t) => {
  const port = await freePort()
  const app = Fastify({ logger: { level: 'warn', stream: logCapture().stream } })
  await app.register(metrics, { processMetrics: false, push: { intervalMs: 50, timeoutMs: 2000, otlp: { endpoint: `http://127.0.0.1:${port}/v1/metrics` } } })
  await app.ready()
  await waitFor('a counted failure', async () => exportedLine('otlp_http_metric_exporter', 'ECONNREFUSED').test((await app.inject({ url: '/metrics' })).body) ? true : undefined)
  await app.close()
  t.pass('closed')
})

function sinkOf (exportFn: Sink['export']): Sink {
  return { componentType: 'test_sink', target: 'test', intervalMs: 3_600_000, timeoutMs: 5000, export: exportFn, close: async () => {} }
}

test('a push never overlaps the previous one: the tick is skipped and counted', async (t) => {
  const registry = new Registry()
  let release: () => void = () => {}
  let calls = 0
  const sink = sinkOf(async () => { calls++; await new Promise<void>((resolve) => { release = resolve }); return 1 })
  const pusher = new Pusher({ sink, collect: async () => ({ families: [], timeMs: Date.now() }), selfMetrics: pushSelfMetrics(registry, ''), log: Fastify().log })
  const first = pusher.tick()
  await waitFor('the first export to start', async () => calls === 1 ? true : undefined)
  pusher.tick().catch(() => {})
  t.equal(calls, 1, 'the second tick did not start an export')
  release()
  await first
  t.match(await registry.metrics(), /obs_metrics_push_skipped_total\{otel_component_type="test_sink"\} 1/)
})

test('failures are logged at most once per interval, and a push that throws never reaches the app', async (t) => {
  const registry = new Registry()
  const warnings: unknown[] = []
  const log = Object.assign(Fastify().log, {})
  const logger = new Proxy(log, { get: (target, name) => name === 'warn' ? (...args: unknown[]) => warnings.push(args) : Reflect.get(target, name) })
  const pusher = new Pusher({
    sink: sinkOf(async () => { throw Object.assign(new Error('boom'), { code: 'EBOOM' }) }),
    collect: async () => ({ families: [], timeMs: Date.now() }),
    selfMetrics: pushSelfMetrics(registry, ''),
    log: logger
  })
  for (let i = 0; i < 3; i++) await pusher.tick()
  t.equal(warnings.length, 1, 'three failures within one interval, one log line')
  t.match(await registry.metrics(), /otel_sdk_exporter_metric_data_point_exported_total\{otel_component_type="test_sink",error_type="EBOOM"\} 0/)
})

test('a push past its timeout: later ticks are skipped until its work ends, and close waits for it before closing the sink', async (t) => {
  const registry = new Registry()
  const events: string[] = []
  let release: () => void = () => {}
  let calls = 0
  const sink: Sink = {
    componentType: 'test_sink',
    target: 'test',
    intervalMs: 3_600_000,
    timeoutMs: 100,
    async export () {
      calls++
      events.push(`export ${calls} started`)
      if (calls === 1) await new Promise<void>((resolve) => { release = resolve })
      events.push(`export ${calls} ended`)
      return 1
    },
    close: async () => { events.push('sink closed') }
  }
  const pusher = new Pusher({ sink, collect: async () => ({ families: [], timeMs: Date.now() }), selfMetrics: pushSelfMetrics(registry, ''), log: Fastify({ logger: { level: 'silent' } }).log })
  const alive = setInterval(() => {}, 1000) // the pusher's timers are unref'd: keep the test's loop running
  t.teardown(() => clearInterval(alive))
  pusher.start()
  await pusher.tick() // resolves at the timeout: the export is still under way
  t.match(await registry.metrics(), /otel_sdk_exporter_metric_data_point_exported_total\{otel_component_type="test_sink",error_type="timeout"\} 0/, 'the timeout is reported')
  pusher.tick().catch(() => {})
  t.equal(calls, 1, 'no second push while the first one\'s work is alive')
  t.match(await registry.metrics(), /obs_metrics_push_skipped_total\{otel_component_type="test_sink"\} 1/, 'the tick is counted as skipped')
  const closing = pusher.close()
  release()
  await closing
  t.same(events, ['export 1 started', 'export 1 ended', 'export 2 started', 'export 2 ended', 'sink closed'],
    'the last push starts after the abandoned one ended, and the sink closes after both')
})
