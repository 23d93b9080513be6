import { test } from 'tap'
import { Registry } from '@prometheus-io/client'
import { samples } from '../../../test-support/exposition.js'
import { checkMetrics, checkOpenMetrics } from '../../../test-support/promtool.js'
import { buildApp, OPENMETRICS, scrape } from './helpers.js'

// Every character that could break a line, a label or a parser.
const HOSTILE = ['quote " inside', 'back\\slash', 'new\nline', 'tab\there', '} curly {', 'comma, "a"="b"',
  '# EOF', 'utf-8: héllo wörld ✓ 日本', 'emoji 🚀', 'nul\u0000byte', 'lone surrogate \ud800', 'x'.repeat(5000)]

test('hostile label values are escaped: promtool accepts both formats', async (t) => {
  const app = await buildApp({ processMetrics: true, defaultLabels: { service: 'svc "quoted"\nname' } })
  const counter = app.metrics.counter({ name: 'hostile_total', help: 'Hostile values\nwith a \\ backslash.', labelNames: ['value'] })
  for (const value of HOSTILE) counter.inc({ value })
  app.metrics.agent.recordLlmCall({ model: 'model "with"\nnewline\\', durationSeconds: 0.5, inputTokens: 10, outputTokens: 5 })
  app.get('/users/:id', async () => 'x')
  await app.inject('/users/1')

  const text = await scrape(app)
  const result = await checkMetrics(text)
  t.equal(result.code, 0, `promtool check metrics: ${result.stdout}${result.stderr}`)
  const om = await scrape(app, OPENMETRICS)
  t.same(await checkOpenMetrics(om), [], 'promtool finds nothing in OpenMetrics but the _total naming it requires')

  for (const exposition of [text, om]) {
    t.equal(exposition.split('\n').filter((l) => l.startsWith('hostile_total{')).length, HOSTILE.length, 'one line per value')
    t.ok(exposition.includes('hostile_total{value="quote \\" inside",service="svc \\"quoted\\"\\nname"} 1'))
    t.ok(exposition.includes('value="back\\\\slash"'))
    t.ok(exposition.includes('value="new\\nline"'))
  }
})

test('HELP escaping: backslash and newline in text; double quotes too in OpenMetrics', async (t) => {
  const app = await buildApp()
  app.metrics.counter({ name: 'helpful_total', help: 'Say "hi"\nwith a \\ backslash.' }).inc()
  t.ok((await scrape(app)).includes('# HELP helpful_total Say "hi"\\nwith a \\\\ backslash.\n'))
  t.ok((await scrape(app, OPENMETRICS)).includes('# HELP helpful Say \\"hi\\"\\nwith a \\\\ backslash.\n'))
})

test('OpenMetrics: counters are named without _total, samples with it; the body ends with # EOF', async (t) => {
  const app = await buildApp()
  app.metrics.counter({ name: 'jobs_total', help: 'Jobs.' }).inc(2)
  app.metrics.counter({ name: 'legacy_events', help: 'A counter named without _total.' }).inc()
  app.metrics.gauge({ name: 'temperature_celsius', help: 'Temperature.' }).set(21.5)
  const response = await app.inject({ url: '/metrics', headers: { accept: OPENMETRICS } })
  t.equal(response.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  const om = response.body
  t.match(om, /# TYPE jobs counter\njobs_total 2\n/)
  t.match(om, /# TYPE legacy_events counter\nlegacy_events_total 1\n/)
  t.match(om, /# TYPE temperature_celsius gauge\ntemperature_celsius 21.5\n/)
  t.ok(om.endsWith('# EOF\n'))
  t.equal(om.split('# EOF').length, 2, 'exactly one # EOF')

  const text = await scrape(app)
  t.match(text, /# TYPE jobs_total counter\njobs_total 2\n/)
  t.match(text, /# TYPE legacy_events counter\nlegacy_events 1\n/)
  t.notMatch(text, /# EOF/)
  t.equal((await app.inject('/metrics')).headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
})

test('special values: NaN and infinities', async (t) => {
  const app = await buildApp()
  const gauge = app.metrics.gauge({ name: 'odd_values', help: 'Odd.', labelNames: ['kind'] })
  gauge.set({ kind: 'nan' }, NaN)
  gauge.set({ kind: 'inf' }, Infinity)
  gauge.set({ kind: 'ninf' }, -Infinity)
  for (const accept of [undefined, OPENMETRICS]) {
    const text = await scrape(app, accept)
    t.match(text, /odd_values\{kind="nan"\} NaN/)
    t.match(text, /odd_values\{kind="inf"\} \+Inf/)
    t.match(text, /odd_values\{kind="ninf"\} -Inf/)
  }
  t.equal((await checkMetrics(await scrape(app))).code, 0)
  t.same(await checkOpenMetrics(await scrape(app, OPENMETRICS)), [])
})

test('default labels are on every series, including process metrics, and win over a series label', async (t) => {
  const registry = new Registry()
  registry.setDefaultLabels({ region: 'eu', service: 'from-registry' })
  const app = await buildApp({ registry, processMetrics: true, defaultLabels: { service: 'agent', environment: 'test' } })
  app.get('/', async () => 'x')
  await app.inject('/')
  // A metric created behind the plugin's back with a label of the same name as a default label.
  const { Counter } = await import('@prometheus-io/client')
  new Counter({ name: 'sneaky_total', help: 'Sneaky.', labelNames: ['service'], registers: [registry] }).inc({ service: 'other' })

  const keys = [...samples(await scrape(app)).keys()]
  t.ok(keys.length > 20)
  for (const key of keys) {
    if (!(key.includes('service="agent"') && key.includes('environment="test"') && key.includes('region="eu"'))) {
      t.fail(`missing default labels: ${key}`)
    }
  }
  t.notOk(keys.some((k) => k.includes('service="other"') || k.includes('from-registry')), 'our default labels win')
  t.ok(keys.includes('sneaky_total{service="agent",environment="test",region="eu"}') ||
    keys.some((k) => k.startsWith('sneaky_total{') && k.includes('service="agent"')))
})

test('a summary without labels renders in both formats (the client gives its _sum and _count no labels object)', async (t) => {
  const app = await buildApp({ defaultLabels: { service: 'agent' } })
  const summary = app.metrics.summary({ name: 'payload_bytes', help: 'Payloads.', percentiles: [0.5] })
  summary.observe(10)
  summary.observe(30)
  for (const accept of [undefined, OPENMETRICS]) {
    const s = samples(await scrape(app, accept))
    t.equal(s.get('payload_bytes{quantile="0.5",service="agent"}'), 20)
    t.equal(s.get('payload_bytes_sum{service="agent"}'), 40)
    t.equal(s.get('payload_bytes_count{service="agent"}'), 2)
  }
  t.equal((await checkMetrics(await scrape(app))).code, 0)
})

test('a metric whose collect function throws is left out, the rest is served and the failure logged', async (t) => {
  const app = await buildApp()
  app.metrics.gauge({ name: 'broken', help: 'Broken.', collect () { throw new Error('collector down') } })
  app.metrics.gauge({ name: 'fine', help: 'Fine.' }).set(1)
  const logged: unknown[] = []
  app.log.warn = ((...args: unknown[]) => { logged.push(args) }) as typeof app.log.warn
  const text = await scrape(app)
  t.match(text, /^fine 1$/m)
  t.notMatch(text, /broken/)
  t.equal(logged.length, 1)
})

test('our families also render through @prometheus-io/client itself (registry.metrics) with the same samples', async (t) => {
  const app = await buildApp()
  app.get('/users/:id', async () => 'x')
  app.get('/boom', async () => { throw new Error('x') })
  await app.inject('/users/1')
  await app.inject('/boom')
  app.metrics.counter({ name: 'app_total', help: 'App.', labelNames: ['a'] }).inc({ a: 'b' })
  const ours = samples(await scrape(app))
  const theirs = samples(await app.metrics.registry.metrics())
  t.same([...theirs.keys()].sort(), [...ours.keys()].sort())
  for (const [key, value] of ours) t.equal(theirs.get(key), value, key)
  const json = await app.metrics.registry.getMetricsAsJSON()
  t.ok(json.some((m) => m.name === 'http_request_duration_seconds' && m.type === 'histogram'))
})

test('histogram samples are built once and updated in place; the client rewriting their labels does not stick', async (t) => {
  const registry = new Registry()
  registry.setDefaultLabels({ region: 'eu' })
  const app = await buildApp({ registry })
  app.get('/', async () => 'x')
  await app.inject('/')
  const family = registry.getSingleMetric('http_request_duration_seconds') as unknown as { get (): Promise<{ values: Array<{ labels: object, value: number, metricName?: string }> }> }
  const first = (await family.get()).values
  const firstLabels = first.map((v) => v.labels)
  // The client's JSON export replaces `labels` on the objects it is given, adding default labels.
  await registry.getMetricsAsJSON()
  await app.inject('/')
  const second = (await family.get()).values
  t.ok(second.length === first.length && second.every((v, i) => v === first[i]), 'the same sample objects')
  t.ok(second.every((v, i) => v.labels === firstLabels[i]), 'the same label objects, without the default labels')
  t.equal(second.find((v) => v.metricName === 'http_request_duration_seconds_count')!.value, 2, 'values are current')
  t.notMatch(await scrape(app), /region="eu",region/, 'the exposition is unaffected')
})

test('an exemplar with a label name that is not valid is dropped, and the scrape stays valid', async (t) => {
  const app = await buildApp()
  app.get('/', async () => 'x')
  app.metrics.setExemplarSource(() => ({ 'trace-id': 'abc' }))
  await app.inject('/')
  const om = await scrape(app, OPENMETRICS)
  t.notMatch(om, /# \{/, 'no exemplar written')
  t.match(om, /http_request_duration_seconds_count\{method="GET",route="\/",status_code="200"\} 1/)
  t.same(await checkOpenMetrics(om), [])
})

test('an exemplar over 128 runes is dropped when unpaired surrogates make it so (each is one rune, U+FFFD)', async (t) => {
  const app = await buildApp()
  app.get('/', async () => 'x')
  let labels: Record<string, string> = {}
  app.metrics.setExemplarSource(() => labels)
  const exemplarOf = async (value: string): Promise<string | undefined> => {
    labels = { trace_id: value }
    await app.metrics.registry.resetMetrics()
    await app.inject('/')
    return /# \{trace_id="([^"]*)"\}/.exec(await scrape(app, OPENMETRICS))?.[1]
  }
  // `trace_id` is 8 runes: 120 more make 128, the limit.
  t.equal(await exemplarOf('a'.repeat(120)), 'a'.repeat(120), '128 runes are kept')
  t.equal(await exemplarOf('\u{1F600}'.repeat(120)), '\u{1F600}'.repeat(120), 'a surrogate pair is one rune')
  t.equal(await exemplarOf('a'.repeat(121)), undefined, '129 runes are dropped')
  t.equal(await exemplarOf('\udc00'.repeat(123)), undefined, 'unpaired low surrogates count (131 runes)')
  t.equal(await exemplarOf('\ud800'.repeat(121)), undefined, 'unpaired high surrogates count')
  t.equal(await exemplarOf(`${'a'.repeat(119)}\ud800`), `${'a'.repeat(119)}\ufffd`, 'a high surrogate at the end is one rune, written as U+FFFD')
})
