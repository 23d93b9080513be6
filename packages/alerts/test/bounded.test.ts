import { test } from 'tap'
import { samples } from '../../../test-support/exposition.js'
import { buildApp, MINUTE, testEngine } from './helpers.js'

test('memory stays bounded whatever the number of series: limits on series and groups, counted', async (t) => {
  const e = testEngine([
    { kind: 'rate', name: 'PerRoute', metric: 'requests_total', above: 1e9, window: '5m', by: ['route'] },
    { kind: 'rate', name: 'Total', metric: 'requests_total', above: 1e9, window: '5m' }
  ], { limits: { maxSeries: 500, maxGroups: 100, samplesPerWindow: 30 } })
  for (let i = 0; i < 2000; i++) e.series.set('requests_total', { route: `/r${i}`, status_code: String(200 + (i % 3)) }, i)
  await e.engine.evaluate()
  const stats = e.engine.stats()
  // PerRoute: 100 groups, so 100 series; Total: one group, the first 500 series.
  t.equal(stats.groups, 101)
  t.equal(stats.series, 600)
  t.equal(stats.overLimit, 1900 + 1500, 'every series left out is counted once, when it appears')
  for (let i = 0; i < 10; i++) await e.step()
  t.equal(e.engine.stats().overLimit, 3400, 'not counted again at each evaluation')
})

test('series that go away free their state, and long windows keep a bounded history', async (t) => {
  const e = testEngine([
    { kind: 'rate', name: 'Churn', metric: 'jobs_total', above: 1e9, window: '1h', by: ['worker'] },
    { kind: 'rate', name: 'Long', metric: 'jobs_total', above: 1e9, window: '3d' }
  ], { limits: { maxSeries: 10_000, maxGroups: 10_000, samplesPerWindow: 60 } })
  // Workers come and go, each living ten minutes; six hours at one evaluation a minute.
  for (let minute = 0; minute < 6 * 60; minute++) {
    e.series.remove('jobs_total').set('jobs_total', { worker: `w${Math.floor(minute / 10)}` }, minute % 10)
    if (minute > 0) e.clock.advance(MINUTE)
    await e.engine.evaluate()
  }
  const stats = e.engine.stats()
  t.equal(stats.series, 2, 'only the live series is tracked (once per rule input)')
  t.ok(stats.groups <= 1 + 8, `a group is dropped a window after its last series went (${stats.groups} groups of 36 workers)`)
  t.ok(stats.samples <= stats.groups * 63 + 63, `history: at most samplesPerWindow + 3 slots per group and window (${stats.samples})`)
})

test('a rule keeps at most maxGroups alerts: gauge series and groups beyond are left out and counted once', async (t) => {
  const e = testEngine([
    // `none` makes one alert per series: each series is its own group.
    { kind: 'gauge', name: 'EverySeries', metric: 'queue_size', above: 0 },
    { kind: 'gauge', name: 'ByShard', metric: 'queue_size', aggregate: 'max', by: ['shard'], above: 0 }
  ], { limits: { maxSeries: 10_000, maxGroups: 100, samplesPerWindow: 30 } })
  for (let i = 0; i < 2000; i++) e.series.set('queue_size', { queue: `q${i}`, shard: `s${i % 500}` }, 1)
  await e.engine.evaluate()
  const count = (name: string): number => e.engine.active().filter((a) => a.name === name).length
  t.equal(count('EverySeries'), 100)
  t.equal(count('ByShard'), 100)
  // EverySeries: 1900 series over; ByShard: the series of the 400 shards beyond the first 100.
  t.equal(e.engine.stats().overLimit, 1900 + 1600, 'every series left out is counted, once, when it appears')
  await e.step()
  await e.step()
  t.equal(e.engine.stats().overLimit, 3500, 'not again at each evaluation')
  t.equal(count('EverySeries'), 100)
})

test('a custom check that returns more than maxGroups results keeps maxGroups alerts; the rest are counted at each evaluation', async (t) => {
  const e = testEngine([{ kind: 'custom', name: 'Many', check: () => Array.from({ length: 250 }, (_, i) => ({ labels: { item: String(i) } })) }],
    { limits: { maxSeries: 10_000, maxGroups: 100, samplesPerWindow: 30 } })
  await e.engine.evaluate()
  t.equal(e.engine.active().length, 100)
  t.equal(e.engine.stats().overLimit, 150)
  await e.step()
  t.equal(e.engine.active().length, 100, 'the same 100 stay')
  t.equal(e.engine.stats().overLimit, 300, 'left out again, counted again')
})

test('alerts raised by code: at most maxGroups at once; one more is a coded error, counted', async (t) => {
  const app = await buildApp({ maxGroups: 3 })
  t.teardown(() => app.close())
  const raised = ['A', 'B', 'C'].map((title) => app.alerts.raise({ title }))
  t.throws(() => app.alerts.raise({ title: 'D' }), { code: 'OBS_ALERTS_TOO_MANY_ALERTS', message: /Too many alerts raised by code are active \(3, the maxGroups limit\)/ })
  t.equal(app.alerts.raise({ title: 'A', message: 'again' }).annotations.description, 'again', 'raising an active one again is an update, always allowed')
  t.same(app.alerts.active().map((a) => a.name).sort(), ['A', 'B', 'C'])
  t.match((await app.inject('/metrics')).body, /obs_alerts_series_over_limit_total 1\n/)
  app.alerts.resolve(raised[0]!.fingerprint)
  t.equal(app.alerts.raise({ title: 'D' }).state, 'firing', 'room again once one resolved')
})

test('unbounded reads: a giant answer body is never read whole, so memory stays flat', async (t) => {
  const { createServer } = await import('node:http')
  const chunk = Buffer.alloc(64 * 1024, 'x')
  // 256 MB per answer, written as fast as the client reads: a 500 (whose start goes into the log) and a 200.
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(req.url === '/fail' ? 500 : 200, { 'content-type': 'text/plain', 'content-length': String(256 * 1024 * 1024) })
    let written = 0
    const write = (): void => {
      while (written < 256 * 1024 * 1024 && !res.destroyed) {
        written += chunk.length
        if (!res.write(chunk)) {
          res.once('drain', write)
          return
        }
      }
      res.end()
    }
    res.on('error', () => {})
    write()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  const { port } = server.address() as { port: number }
  const errors: string[] = []
  const app = await buildApp({
    notifiers: {
      ok: { type: 'webhook', url: `http://127.0.0.1:${port}/ok` },
      fail: { type: 'webhook', url: `http://127.0.0.1:${port}/fail` }
    },
    routing: { critical: ['ok'], warning: ['fail'] },
    delivery: { retries: 0, backoff: '10ms', maxBackoff: '10ms' },
    repeatInterval: '1s'
  })
  t.teardown(() => app.close())
  app.log.warn = app.log.error = ((_obj: unknown, msg: string) => { errors.push(msg) }) as typeof app.log.error
  globalThis.gc?.()
  const before = process.memoryUsage()
  app.alerts.raise({ title: 'GiantAnswerOk', severity: 'critical' })
  app.alerts.raise({ title: 'GiantAnswerFail', severity: 'warning' })
  t.ok(await app.alerts.flush(30_000))
  const after = process.memoryUsage()
  const grown = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 1024 / 1024
  t.ok(grown < 64, `heap and buffers grew by ${grown.toFixed(1)} MB for answers of 256 MB`)
  t.equal(samples((await app.inject('/metrics')).body).get('obs_alerts_notifications_sent_total{channel="ok"}'), 1)
  const refused = errors.find((line) => line.includes('answered 500'))
  t.ok(refused !== undefined && refused.length < 6000, 'the failure is logged with the start of the answer only')
})
