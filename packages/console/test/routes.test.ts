import Fastify from 'fastify'
import { test } from 'tap'
import { gunzipSync } from 'node:zlib'
import obsConsole from '../src/index.js'
import { buildTestApp, traffic } from './helpers.js'

test('each view has a URL of its own, served with a strict Content-Security-Policy', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { env: {} })
  const views: Array<[string, string]> = [['/obs/', 'overview'], ['/obs/traces', 'traces'], [`/obs/traces/${'a'.repeat(32)}`, 'traces'], ['/obs/logs', 'logs'], ['/obs/alerts', 'alerts'], ['/obs/metrics', 'metrics']]
  for (const [url, view] of views) {
    const page = await app.inject(url)
    t.equal(page.statusCode, 200, url)
    t.match(page.headers['content-type'], /^text\/html/)
    t.match(page.body, `data-view="${view}"`)
    t.match(page.body, `<script type="module" src="/obs/assets/${view}.js"></script>`)
    t.match(page.headers['content-security-policy'], /default-src 'self'.*frame-ancestors 'none'/)
    t.equal(page.headers['x-content-type-options'], 'nosniff')
  }
  t.notMatch((await app.inject('/obs/')).body, /https?:\/\//, 'no asset from elsewhere')
})

test('assets ship in the package: gzipped when asked, with an ETag', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { env: {} })
  const plain = await app.inject('/obs/assets/uPlot.iife.min.js')
  t.equal(plain.statusCode, 200)
  t.match(plain.headers['content-type'], /^text\/javascript/)
  t.match(plain.body, /uPlot/)
  const zipped = await app.inject({ url: '/obs/assets/uPlot.iife.min.js', headers: { 'accept-encoding': 'gzip, br' } })
  t.equal(zipped.headers['content-encoding'], 'gzip')
  t.equal(gunzipSync(zipped.rawPayload).toString(), plain.body)
  t.equal((await app.inject({ url: '/obs/assets/uPlot.iife.min.js', headers: { 'if-none-match': String(plain.headers.etag) } })).statusCode, 304)
  t.equal((await app.inject('/obs/assets/secrets.js')).statusCode, 404)
  t.equal((await app.inject('/obs/assets/..%2Fpackage.json')).statusCode, 404)
})

test('a view whose source is missing says so', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { env: {} })
  await app.ready()
  t.match((await app.inject('/obs/api/logs')).json().missing, /No log store/)
  t.match((await app.inject('/obs/api/alerts')).json().missing, /@obs\/alerts is not registered/)
  t.match((await app.inject('/obs/api/metrics')).json().missing, /@obs\/metrics is not registered/)
  t.match((await app.inject('/obs/api/exemplars')).json().missing, /@obs\/metrics is not registered/)
  t.match((await app.inject('/obs/api/traces')).json().missing, /No tracing SDK runs/)
})

test('the metrics view lists the registry and reads one metric', async (t) => {
  const { app } = await buildTestApp({ plugins: ['metrics'] })
  t.teardown(() => app.close())
  await app.ready()
  await traffic(app, 10)
  const list = (await app.inject('/obs/api/metrics')).json()
  t.equal(list.missing, null)
  t.ok(list.metrics.some((m: { name: string, type: string }) => m.name === 'http_requests_total' && m.type === 'counter'))
  const counter = (await app.inject('/obs/api/metrics/http_requests_total')).json()
  t.same(counter.series.find((s: { labels: Record<string, string> }) => s.labels.route === '/users/:id'),
    { name: 'http_requests_total', labels: { method: 'GET', route: '/users/:id', status_code: '200' }, value: 8 })
  const histogram = (await app.inject('/obs/api/metrics/http_request_duration_seconds')).json()
  t.notOk(histogram.series.some((s: { name: string }) => s.name.endsWith('_bucket')), 'buckets only when asked')
  t.ok((await app.inject('/obs/api/metrics/http_request_duration_seconds?buckets=true')).json().series.some((s: { name: string }) => s.name.endsWith('_bucket')))
  t.equal((await app.inject('/obs/api/metrics/no_such_metric')).statusCode, 404)
  t.equal((await app.inject('/obs/api/metrics/bad-name')).statusCode, 400)
  t.match((await app.inject('/obs/api/traces')).json().missing, /./, 'no tracing in this app')
})

test('the alerts view: active alerts, history, rules with their errors, evaluations', async (t) => {
  const { app } = await buildTestApp({ plugins: ['metrics', 'alerts'] })
  t.teardown(() => app.close())
  await app.ready()
  app.alerts.raise({ title: 'DiskAlmostFull', severity: 'warning', message: 'disk at 91%' })
  await app.alerts.evaluate()
  await app.alerts.evaluate()
  const body = (await app.inject('/obs/api/alerts')).json()
  t.equal(body.missing, null)
  t.same(body.active.map((a: { name: string, state: string }) => [a.name, a.state]), [['DiskAlmostFull', 'firing']])
  t.equal(body.ackPath, '/alerts')
  t.same(body.rules.map((r: { name: string, state: string, severity: string }) => [r.name, r.state, r.severity]), [['HighErrorRatio', 'inactive', 'critical']])
  t.match(body.rules[0].expr, /http_requests_total/)
  t.equal(body.customRules[0].name, 'BrokenCheck')
  t.ok(body.customRules[0].errors >= 2, 'its failed evaluations are counted')
  t.ok(body.evaluations.count >= 2)
})
