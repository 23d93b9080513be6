import { test } from 'tap'
import { Summary } from '@prometheus-io/client'
import type { FastifyInstance } from 'fastify'
import { samples } from '../../../test-support/exposition.js'
import { renderRegistry } from '../src/exposition/render-registry.js'
import { bigApp, buildApp, OPENMETRICS, scrape, turnsDuring } from './helpers.js'

const SERIES = 100_000

const render = async (app: FastifyInstance, format: 'prometheus' | 'openmetrics', budgetMs: number): Promise<string> =>
  Buffer.concat(await renderRegistry(app.metrics.registry, format, { service: 'big' }, () => {}, budgetMs)).toString('utf8')

test('a scrape of 100,000 series hands the event loop back while it renders, and serves them all', async (t) => {
  const app = await bigApp()
  // A callback scheduled before the scrape runs before the scrape is done: nothing else waits on I/O here.
  const { result: body, turns } = await turnsDuring(async () => await app.metrics.render())
  t.ok(turns > 1, `the loop turned ${turns} times during the scrape`)
  const s = samples(body.body)
  t.equal(s.get('jobs_total{tenant="t49999",kind="b \\"quoted\\"",service="big"}'), 50_000)
  t.equal(s.get('job_seconds_bucket{tenant="t3570",le="+Inf",service="big"}'), 1)
  t.ok(s.size > SERIES, `${s.size} samples`)
})

test('the output of a sliced scrape is byte for byte that of one slice, in both formats', async (t) => {
  const app = await bigApp()
  for (const format of ['prometheus', 'openmetrics'] as const) {
    const whole = await render(app, format, Infinity)
    // A budget of 0 hands the loop back every few series.
    const { result: sliced, turns } = await turnsDuring(async () => await render(app, format, 0))
    t.ok(turns > 1000, `${format}: ${turns} slices`)
    t.ok(sliced === whole, `${format}: identical (${sliced.length} characters)`)
  }
  const route = await scrape(app, OPENMETRICS)
  t.ok(route === await render(app, 'openmetrics', Infinity), 'the route serves the same bytes')
})

test('sliced output has the samples @prometheus-io/client renders itself, label order aside', async (t) => {
  const app = await buildApp({ maxLabelSets: 20_000 })
  const counter = app.metrics.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['tenant'] })
  const histogram = app.metrics.histogram({ name: 'job_seconds', help: 'Jobs.', labelNames: ['tenant'], buckets: [0.1, 1] })
  for (let i = 0; i < 20_000; i++) counter.inc({ tenant: `t${i}\n"${i}"` }, i)
  for (let i = 0; i < 2_000; i++) histogram.observe({ tenant: `t${i}` }, i / 1000)
  // Label pairs sorted, so that `le` first (the client) and `le` last (ours) compare equal.
  const normalized = (text: string): Map<string, number> => new Map([...samples(text)].map(([key, value]) => {
    const brace = key.indexOf('{')
    if (brace === -1) return [key, value]
    const pairs = key.slice(brace + 1, -1).match(/[a-zA-Z_]\w*="(?:[^"\\]|\\.)*"/g) ?? []
    return [`${key.slice(0, brace)}{${pairs.sort().join(',')}}`, value]
  }))
  const ours = normalized(await scrape(app))
  const theirs = normalized(await app.metrics.registry.metrics())
  t.equal(ours.size, theirs.size)
  let differing = 0
  for (const [key, value] of theirs) if (ours.get(key) !== value) differing++
  t.equal(differing, 0, 'every sample of the client, with the same value')
})

test('concurrent scrapes of a large registry each get the whole exposition', async (t) => {
  const app = await bigApp()
  const bodies = await Promise.all([scrape(app), scrape(app), scrape(app, OPENMETRICS), scrape(app)])
  t.ok(bodies[0] === bodies[1] && bodies[1] === bodies[3], 'the text scrapes are identical')
  t.ok(bodies[2]!.endsWith('# EOF\n') && bodies[2]!.split('# EOF').length === 2, 'OpenMetrics ends with one # EOF')
  t.equal(samples(bodies[2]!).size, samples(bodies[0]!).size)
})

test('series added during a sliced scrape do not make it fail, and show up in the next one', async (t) => {
  const app = await bigApp()
  const counter = app.metrics.registry.getSingleMetric('jobs_total') as unknown as { inc (labels: Record<string, string>, value: number): void }
  let added = 0
  let rendering = true
  const add = (): void => {
    if (!rendering) return
    counter.inc({ tenant: `late${added++}`, kind: 'a' }, 1)
    setImmediate(add)
  }
  setImmediate(add)
  const body = await app.metrics.render()
  rendering = false
  t.ok(added > 0, `${added} series added during the scrape`)
  t.match(body.body, /^jobs_total\{tenant="t0",kind="a",service="big"\} 1$/m)
  const next = samples(await scrape(app))
  for (let i = 0; i < added; i++) t.equal(next.get(`jobs_total{tenant="late${i}",kind="a",service="big"}`), 1)
})

test('a summary (read through its own get()) is served in full alongside sliced families', async (t) => {
  const app = await bigApp()
  t.ok(app.metrics.registry.getSingleMetric('payload_bytes') instanceof Summary)
  const s = samples(await scrape(app))
  t.equal(s.get('payload_bytes{tenant="t1",quantile="0.5",service="big"}'), 10)
  t.equal(s.get('payload_bytes_count{tenant="t1",service="big"}'), 1)
})
