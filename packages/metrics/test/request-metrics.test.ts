import { test } from 'tap'
import Fastify from 'fastify'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import metrics from '../src/index.js'
import { familyLines } from '../../../test-support/exposition.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { buildApp, scrape, scrapeSamples } from './helpers.js'

test('requests are counted by method, route template and status code, never by raw URL', async (t) => {
  const app = await buildApp()
  app.get('/users/:id', async () => ({ ok: true }))
  app.post('/users/:id/tasks', async (_request, reply) => reply.code(201).send({ ok: true }))
  for (const id of ['1', '2', '3']) await app.inject(`/users/${id}`)
  await app.inject({ method: 'POST', url: '/users/9/tasks' })

  const s = await scrapeSamples(app)
  t.equal(s.get('http_requests_total{method="GET",route="/users/:id",status_code="200"}'), 3)
  t.equal(s.get('http_requests_total{method="POST",route="/users/:id/tasks",status_code="201"}'), 1)
  t.equal(s.get('http_request_duration_seconds_count{method="GET",route="/users/:id",status_code="200"}'), 3)
  t.equal(s.get('http_request_duration_seconds_bucket{method="GET",route="/users/:id",status_code="200",le="+Inf"}'), 3)
  t.notOk([...s.keys()].some((key) => key.includes('/users/1')), 'no raw URL in any label')
})

test('the duration histogram has the default buckets, cumulative, from 5 ms to 2 min', async (t) => {
  const app = await buildApp()
  app.get('/slow', async () => { await sleep(30); return 'ok' })
  await app.inject('/slow')
  const lines = familyLines(await scrape(app), 'http_request_duration_seconds')
  const les = lines.filter((l) => l.includes('_bucket')).map((l) => /le="([^"]+)"/.exec(l)![1])
  t.same(les, ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '60', '120', '+Inf'])
  const s = await scrapeSamples(app)
  const labels = 'method="GET",route="/slow",status_code="200"'
  // Only lower bounds: a busy machine makes a 30 ms sleep longer; Node's millisecond timers may
  // fire up to a millisecond early against the high-resolution clock (seen on Node 26).
  t.equal(s.get(`http_request_duration_seconds_bucket{${labels},le="0.025"}`), 0, 'a 30 ms request is not under 25 ms')
  t.equal(s.get(`http_request_duration_seconds_bucket{${labels},le="+Inf"}`), 1)
  t.ok(s.get(`http_request_duration_seconds_sum{${labels}}`)! >= 0.029)
})

test('custom buckets are used as given', async (t) => {
  const app = await buildApp({ buckets: [0.1, 1, 10] })
  app.get('/', async () => 'ok')
  await app.inject('/')
  const les = familyLines(await scrape(app), 'http_request_duration_seconds')
    .filter((l) => l.includes('_bucket')).map((l) => /le="([^"]+)"/.exec(l)![1])
  t.same(les, ['0.1', '1', '10', '+Inf'])
})

test('routes registered before and after the plugin, in child plugins and under prefixes are all measured', async (t) => {
  const app = Fastify()
  app.get('/root-before', async () => 'a')
  await app.register(async (child) => { child.get('/child-before', async () => 'b') })
  await app.register(metrics, { processMetrics: false })
  app.get('/root-after', async () => 'c')
  await app.register(async (child) => { child.get('/child-after/:id', async () => 'd') }, { prefix: '/api' })
  for (const url of ['/root-before', '/child-before', '/root-after', '/api/child-after/7']) await app.inject(url)

  const s = await scrapeSamples(app)
  for (const route of ['/root-before', '/child-before', '/root-after', '/api/child-after/:id']) {
    t.equal(s.get(`http_requests_total{method="GET",route="${route}",status_code="200"}`), 1, route)
  }
})

test('HEAD requests to a GET route are counted as HEAD', async (t) => {
  const app = await buildApp()
  app.get('/item', async () => 'x')
  await app.inject({ method: 'HEAD', url: '/item' })
  await app.inject('/item')
  const s = await scrapeSamples(app)
  t.equal(s.get('http_requests_total{method="HEAD",route="/item",status_code="200"}'), 1)
  t.equal(s.get('http_requests_total{method="GET",route="/item",status_code="200"}'), 1)
})

test('a route with several methods counts each method apart', async (t) => {
  const app = await buildApp()
  app.route({ method: ['GET', 'POST'], url: '/multi', handler: async () => 'x' })
  await app.inject('/multi')
  await app.inject({ method: 'POST', url: '/multi' })
  await app.inject({ method: 'POST', url: '/multi' })
  const s = await scrapeSamples(app)
  t.equal(s.get('http_requests_total{method="GET",route="/multi",status_code="200"}'), 1)
  t.equal(s.get('http_requests_total{method="POST",route="/multi",status_code="200"}'), 2)
})

test('every unmatched request lands in one series', async (t) => {
  const app = await buildApp()
  app.get('/known', async () => 'x')
  for (let i = 0; i < 50; i++) await app.inject(`/random/${Math.random()}?q=${i}`)
  const lines = familyLines(await scrape(app), 'http_requests_total')
  t.same(lines, ['http_requests_total{method="GET",route="__unmatched__",status_code="404"} 50'])
})

test('a custom not-found handler is still the unmatched series', async (t) => {
  const app = await buildApp()
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ missing: true }))
  await app.inject('/nope')
  await app.inject('/nope/again')
  const s = await scrapeSamples(app)
  t.equal(s.get('http_requests_total{method="GET",route="__unmatched__",status_code="404"}'), 2)
})

test('errors are counted by error type: code, then name, then status for bare 5xx', async (t) => {
  const app = await buildApp()
  app.get('/type-error', async () => { throw new TypeError('bad') })
  app.get('/coded', async () => { throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) })
  app.get('/bare-503', async (_request, reply) => reply.code(503).send('down'))
  app.get('/validated', { schema: { querystring: { type: 'object', required: ['q'], properties: { q: { type: 'string' } } } } }, async () => 'x')
  app.get('/not-an-error', async () => { throw 'a string' }) // eslint-disable-line no-throw-literal
  for (const url of ['/type-error', '/type-error', '/coded', '/bare-503', '/validated', '/not-an-error']) await app.inject(url)

  const s = await scrapeSamples(app)
  t.equal(s.get('http_request_errors_total{method="GET",route="/type-error",error_type="TypeError"}'), 2)
  t.equal(s.get('http_request_errors_total{method="GET",route="/coded",error_type="ECONNREFUSED"}'), 1)
  t.equal(s.get('http_request_errors_total{method="GET",route="/bare-503",error_type="503"}'), 1)
  t.equal(s.get('http_request_errors_total{method="GET",route="/validated",error_type="FST_ERR_VALIDATION"}'), 1)
  t.equal(s.get('http_requests_total{method="GET",route="/validated",status_code="400"}'), 1)
  t.equal(s.get('http_requests_total{method="GET",route="/type-error",status_code="500"}'), 2)
  t.ok([...s.keys()].some((k) => k.startsWith('http_request_errors_total{method="GET",route="/not-an-error"')), 'a thrown string is an error too')
})

test('a 4xx without an error is not an error', async (t) => {
  const app = await buildApp()
  app.get('/teapot', async (_request, reply) => reply.code(418).send('short and stout'))
  await app.inject('/teapot')
  t.same(familyLines(await scrape(app), 'http_request_errors_total'), [])
})

test('per-route opt-out through config, and the exclude list', async (t) => {
  const app = await buildApp({ exclude: ['/health/live', /^\/internal\//] })
  app.get('/private', { config: { metrics: false } }, async () => 'x')
  app.get('/health/live', async () => 'ok')
  app.get('/internal/:x', async () => 'x')
  app.get('/public', async () => 'x')
  for (const url of ['/private', '/health/live', '/internal/a', '/public', '/metrics']) await app.inject(url)

  const text = await scrape(app)
  t.match(text, /route="\/public"/)
  for (const hidden of ['/private', '/health/live', '/internal/:x', '/metrics']) {
    t.notOk(text.includes(`route="${hidden}"`), `${hidden} is not measured`)
  }
})

test('a RegExp with the g flag leaves out every route it matches, the second one too', async (t) => {
  const app = await buildApp({ exclude: [/^\/skip/g] })
  app.get('/skip/a', async () => 'x')
  app.get('/skip/b', async () => 'x')
  app.get('/kept', async () => 'x')
  for (const url of ['/skip/a', '/skip/b', '/skip/a', '/skip/b', '/kept']) await app.inject(url)
  const text = await scrape(app)
  t.notOk(text.includes('route="/skip/a"'), '/skip/a is not measured')
  t.notOk(text.includes('route="/skip/b"'), '/skip/b is not measured')
  t.match(text, /route="\/kept"/)
})

test('an error whose getters throw is counted as Error, and its request still answered', async (t) => {
  const app = await buildApp()
  app.get('/hostile', async () => {
    throw Object.defineProperty(new Error('gotcha'), 'code', { get () { throw new Error('getter') } })
  })
  t.equal((await app.inject('/hostile')).statusCode, 500)
  const s = await scrapeSamples(app)
  t.equal(s.get('http_request_errors_total{method="GET",route="/hostile",error_type="Error"}'), 1)
  t.equal(s.get('http_requests_total{method="GET",route="/hostile",status_code="500"}'), 1)
})

test('a request answered by an earlier onRequest hook (a 401 from auth) is still counted', async (t) => {
  const app = Fastify()
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/secret' && request.headers.authorization === undefined) return reply.code(401).send('no')
  })
  await app.register(metrics, { processMetrics: false })
  app.get('/secret', async () => 'x')
  await app.inject('/secret')
  const s = await scrapeSamples(app)
  t.equal(s.get('http_requests_total{method="GET",route="/secret",status_code="401"}'), 1)
  t.equal(s.get('http_requests_in_flight{method="GET",route="/secret"}'), 0, 'in flight does not go negative')
})

test('in-flight requests rise while served and fall after; aborted requests are counted', async (t) => {
  const app = await buildApp()
  // Each handler says when it runs, so the test waits for that rather than for a guessed delay.
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let holding!: () => void
  const holdEntered = new Promise<void>((resolve) => { holding = resolve })
  let slowing!: () => void
  const slowEntered = new Promise<void>((resolve) => { slowing = resolve })
  app.get('/hold', async () => { holding(); await held; return 'done' })
  app.get('/slow', async () => { slowing(); await sleep(300); return 'late' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }

  const pending = fetch(`http://127.0.0.1:${port}/hold`)
  await holdEntered
  let s = await scrapeSamples(app)
  t.equal(s.get('http_requests_in_flight{method="GET",route="/hold"}'), 1)
  release()
  await (await pending).text()
  s = await scrapeSamples(app)
  t.equal(s.get('http_requests_in_flight{method="GET",route="/hold"}'), 0)

  const aborted = httpRequest({ port, host: '127.0.0.1', path: '/slow' })
  aborted.on('error', () => {})
  aborted.end()
  await slowEntered
  aborted.destroy()
  s = await waitFor('the aborted request to be counted', async () => {
    const samples = await scrapeSamples(app)
    return samples.get('http_requests_aborted_total{method="GET",route="/slow"}') === 1 ? samples : undefined
  })
  t.equal(s.get('http_requests_aborted_total{method="GET",route="/slow"}'), 1)
  t.equal(s.get('http_requests_in_flight{method="GET",route="/slow"}'), 0)
})

test('with inFlight off there are no in-flight or aborted families and no onRequest hook', async (t) => {
  const app = await buildApp({ inFlight: false })
  app.get('/', async () => 'x')
  await app.inject('/')
  const text = await scrape(app)
  t.notMatch(text, /http_requests_in_flight/)
  t.notMatch(text, /http_requests_aborted_total/)
  t.match(text, /http_requests_total\{method="GET",route="\/",status_code="200"\} 1/)
})

test('request and response sizes when asked for', async (t) => {
  const app = await buildApp({ sizes: true, sizeBuckets: [10, 100, 1000] })
  app.post('/echo', async (request) => request.body)
  await app.inject({ method: 'POST', url: '/echo', payload: { text: 'x'.repeat(200) } })
  const s = await scrapeSamples(app)
  const labels = 'method="POST",route="/echo",status_code="200"'
  t.equal(s.get(`http_request_size_bytes_bucket{${labels},le="100"}`), 0)
  t.equal(s.get(`http_request_size_bytes_bucket{${labels},le="1000"}`), 1)
  t.equal(s.get(`http_response_size_bytes_count{${labels}}`), 1)
  t.ok(s.get(`http_response_size_bytes_sum{${labels}}`)! > 200)
})

test('requestMetrics: false installs no hooks and exposes no request families', async (t) => {
  const app = await buildApp({ requestMetrics: false })
  app.get('/', async () => 'x')
  await app.inject('/')
  t.notMatch(await scrape(app), /http_request/)
})
