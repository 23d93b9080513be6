import { test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { all, double, last, message, varint, type WireMessage } from '../../../test-support/protobuf-wire.js'
import { renderRegistry } from '../src/exposition/render-registry.js'
import { bigApp, buildApp, turnsDuring } from './helpers.js'
import { families, labelsOf, metricsOf, nativeBuckets, PROTOBUF } from './protobuf-read.js'

const render = async (app: FastifyInstance, budgetMs: number): Promise<Buffer> =>
  Buffer.concat(await renderRegistry(app.metrics.registry, 'protobuf', { service: 'big' }, () => {}, budgetMs))

/** The observations a native Histogram message holds in its zero bucket and positive buckets. */
const nativeTotal = (histogram: WireMessage): number =>
  Number(varint(last(histogram, 7)) ?? 0n) + nativeBuckets(histogram, 12).reduce((sum, [, n]) => sum + n, 0)

test('a protobuf scrape of 100,000 series hands the event loop back while it encodes, and serves them all', async (t) => {
  const app = await bigApp({ native: true })
  t.teardown(() => app.close())
  const { result, turns } = await turnsDuring(async () => await app.metrics.scrape(PROTOBUF))
  t.ok(turns > 1, `the loop turned ${turns} times during the scrape`)
  const byName = families(result.body as Buffer)

  const jobs = metricsOf(byName.get('jobs_total')!)
  t.equal(jobs.length, 50_000, 'every counter series')
  const lastJob = jobs.at(-1)!
  t.same(labelsOf(lastJob), { tenant: 't49999', kind: 'b "quoted"', service: 'big' })
  t.equal(double(last(message(last(lastJob, 3))!, 1)), 50_000)

  const histograms = metricsOf(byName.get('job_seconds')!)
  t.equal(histograms.length, 3571, 'every histogram series')
  const h = message(last(histograms.at(-1)!, 7))!
  t.equal(Number(varint(last(h, 1))), 1, 'sample count')
  t.equal(nativeTotal(h), 1, 'and its native buckets')
  t.ok(byName.has('payload_bytes') && byName.has('http_request_duration_seconds'), 'the summary and the request metrics')
})

test('the output of a sliced protobuf scrape is byte for byte that of one slice', async (t) => {
  const app = await bigApp({ native: true })
  t.teardown(() => app.close())
  const whole = await render(app, Infinity)
  // A budget of 0 hands the loop back every few series.
  const { result: sliced, turns } = await turnsDuring(async () => await render(app, 0))
  t.ok(turns > 1000, `${turns} slices`)
  t.ok(sliced.equals(whole), `identical (${sliced.length} bytes)`)
  const route = await app.inject({ url: '/metrics', headers: { accept: PROTOBUF } })
  t.ok(route.rawPayload.equals(whole), 'the route serves the same bytes')
})

test('observations made between the slices of a protobuf scrape: every histogram series is read whole, count and buckets alike', async (t) => {
  const app = await buildApp({ requestMetrics: false, maxLabelSets: 5000 })
  t.teardown(() => app.close())
  const series = 3000
  const batch = app.metrics.histogram({ name: 'batch_seconds', help: 'Batches.', labelNames: ['tenant'], buckets: [0.1, 1], native: true })
  for (let i = 0; i < series; i++) batch.observe({ tenant: `t${i}` }, 0.5)
  let observed = 0
  let scraping = true
  const observe = (): void => {
    if (!scraping) return
    for (let i = 0; i < 50; i++) batch.observe({ tenant: `t${(observed++ * 7919) % series}` }, 0.5)
    setImmediate(observe)
  }
  setImmediate(observe)
  const body = await render(app, 0)
  scraping = false

  t.ok(observed > 0, `${observed} observations while the scrape ran`)
  let torn = 0
  let classicTorn = 0
  for (const metric of metricsOf(families(body).get('batch_seconds')!)) {
    const h = message(last(metric, 7))!
    const count = Number(varint(last(h, 1)))
    if (nativeTotal(h) !== count) torn++
    // Every observation is 0.5: the bucket up to 1 holds them all.
    const [, upToOne] = all(h, 3).map((b) => Number(varint(last(message(b)!, 1))))
    if (upToOne !== count) classicTorn++
  }
  t.equal(torn, 0, 'native buckets hold the observations the count says, in every series')
  t.equal(classicTorn, 0, 'classic buckets agree with the count, in every series')
})

/**
 * A protobuf scrape of 3,000 native histogram series in slices, `act` run on `batch` between
 * every two slices; the series of the answer that Prometheus would refuse or misread: a count
 * other than its native buckets' total, or classic buckets other than its count.
 */
async function tornBetweenSlices (act: (batch: ReturnType<FastifyInstance['metrics']['histogram']>) => void): Promise<{ series: number, turns: number, torn: string[] }> {
  const app = await buildApp({ requestMetrics: false, maxLabelSets: 5000 })
  try {
    const batch = app.metrics.histogram({ name: 'batch_seconds', help: 'Batches.', labelNames: ['tenant'], buckets: [0.1, 1], native: true })
    for (let i = 0; i < 3000; i++) batch.observe({ tenant: `t${i}` }, 0.5)
    const { result: body, turns } = await turnsDuring(async () => await render(app, 0), () => act(batch))
    const torn: string[] = []
    const metrics = metricsOf(families(body).get('batch_seconds')!)
    for (const metric of metrics) {
      const h = message(last(metric, 7))!
      const count = Number(varint(last(h, 1)))
      // Every observation is 0.5: the bucket up to 1 holds them all.
      const [, upToOne] = all(h, 3).map((b) => Number(varint(last(message(b)!, 1))))
      if (nativeTotal(h) !== count || upToOne !== count) torn.push(`${labelsOf(metric).tenant}: count ${count}, native ${nativeTotal(h)}, classic ${upToOne}`)
    }
    return { series: metrics.length, turns, torn }
  } finally {
    await app.close()
  }
}

test('reset() between the slices of a protobuf scrape: each series\' native buckets are those of the entry its count was read from', async (t) => {
  let next = 0
  const { series, turns, torn } = await tornBetweenSlices((batch) => {
    // A new store, whose series have other counts than the ones the scrape collected.
    batch.reset()
    for (let i = 0; i < 50; i++, next++) {
      batch.observe({ tenant: `t${next % 3000}` }, 0.5)
      batch.observe({ tenant: `t${next % 3000}` }, 0.5)
    }
  })
  t.ok(turns > 1 && series > 0, `${turns} resets during a scrape of ${series} series`)
  t.same(torn, [], 'every histogram\'s count equals its native and classic buckets\' totals')
})

test('remove() and new observations between the slices of a protobuf scrape: each series\' native buckets are those of the entry its count was read from', async (t) => {
  let next = 0
  const { series, turns, torn } = await tornBetweenSlices((batch) => {
    for (let i = 0; i < 50; i++, next++) {
      const tenant = `t${next % 3000}`
      batch.remove({ tenant })
      batch.observe({ tenant }, 0.5)
      batch.observe({ tenant }, 0.5)
    }
  })
  t.ok(turns > 1 && series === 3000, `${turns} turns of removals during a scrape of ${series} series`)
  t.same(torn, [], 'every histogram\'s count equals its native and classic buckets\' totals')
})
