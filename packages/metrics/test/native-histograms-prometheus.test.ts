import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import metrics from '../src/index.js'
import { startPrometheus } from '../../../test-support/prometheus.js'
import { checkMetrics } from '../../../test-support/promtool.js'
import { waitFor } from '../../../test-support/wait-for.js'

const CLASSIC_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

interface NativeSample { metric: Record<string, string>, value?: [number, string], histogram?: [number, { count: string, sum: string, buckets?: unknown[] }] }

test('a real Prometheus ingests the request duration as a native histogram, and its p99 agrees with the classic buckets', async (t) => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, nativeHistograms: true, defaultLabels: { service: 'native-test' } })
  app.get('/work', async (request) => {
    await sleep(Number((request.query as { ms: string }).ms))
    return 'ok'
  })
  // The same registry in the text format: Prometheus 2.42 keeps only the native buckets of a
  // protobuf scrape, so the classic ones are scraped from here.
  app.get('/metrics-text', { config: { metrics: false } }, async (_request, reply) => {
    const { contentType, body } = await app.metrics.render()
    return reply.type(contentType).send(body)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const base = `http://127.0.0.1:${port}`
  await fetch(`${base}/work?ms=1`)

  const prometheus = await startPrometheus({
    jobs: [
      { name: 'native', targets: [`127.0.0.1:${port}`] },
      { name: 'classic', targets: [`127.0.0.1:${port}`], metricsPath: '/metrics-text' }
    ],
    flags: ['--enable-feature=native-histograms']
  })
  t.teardown(() => prometheus.stop())
  const selector = (job: string): string => `http_request_duration_seconds{job="${job}",route="/work",method="GET",status_code="200"}`

  // The series is a native histogram: the query API answers with `histogram`, not `value`.
  const [first] = await waitFor('the native series', async () => {
    const result = await prometheus.api<{ result: NativeSample[] }>(`/api/v1/query?query=${encodeURIComponent(selector('native'))}`)
    return result.result.length > 0 ? result.result : undefined
  })
  t.ok(first!.histogram, 'a native histogram sample')
  t.equal(first!.value, undefined, 'not a float sample')
  t.equal(first!.metric.service, 'native-test', 'default labels arrive')
  t.equal(first!.histogram![1].count, '1')
  await waitFor('the classic series', async () => (await prometheus.query(`${selector('classic').replace('{', '_bucket{')}`))[0])

  // Requests of known durations, after a first scrape of each so that rate() has a baseline.
  const durations = [...Array<number>(40).fill(3), ...Array<number>(10).fill(130)]
  await Promise.all(durations.map((ms) => fetch(`${base}/work?ms=${ms}`)))

  const p99 = async (expression: string): Promise<number | undefined> => {
    const [sample] = await prometheus.query(expression)
    return sample === undefined ? undefined : Number(sample.value[1])
  }
  const native = await waitFor('the native p99', async () => {
    const [sample] = await prometheus.api<{ result: NativeSample[] }>(
      `/api/v1/query?query=${encodeURIComponent(selector('native'))}`).then((r) => r.result)
    if (sample?.histogram?.[1].count !== String(durations.length + 1)) return undefined
    await sleep(1500) // one more scrape, so that the rate covers every request
    return p99(`histogram_quantile(0.99, rate(${selector('native')}[1m]))`)
  })
  const classic = await waitFor('the classic p99', async () => {
    const [count] = await prometheus.query(selector('classic').replace('{', '_count{'))
    if (count?.value[1] !== String(durations.length + 1)) return undefined
    return p99(`histogram_quantile(0.99, rate(${selector('classic').replace('{', '_bucket{')}[1m]))`)
  })

  // The classic estimate lies in one classic bucket; the native one must lie in that bucket too.
  const upper = CLASSIC_BOUNDS.find((bound) => classic <= bound)!
  const lower = CLASSIC_BOUNDS[CLASSIC_BOUNDS.indexOf(upper) - 1]!
  t.ok(native > lower && native <= upper, `native p99 ${native} in the classic bucket (${lower}, ${upper}] of the classic p99 ${classic}`)
  t.ok(native >= 0.13, `native p99 ${native} is at least the slowest requests' 130 ms`)

  const targets = await prometheus.api<{ activeTargets: Array<{ health: string, lastError: string, scrapePool: string }> }>('/api/v1/targets')
  for (const target of targets.activeTargets) t.equal(target.lastError, '', `${target.scrapePool}: no scrape error`)
})

test('promtool check metrics accepts the text format with native histograms on', async (t) => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, nativeHistograms: { schema: 1, maxBuckets: 4 } })
  t.teardown(() => app.close())
  app.get('/', async () => 'ok')
  app.metrics.histogram({ name: 'batch_seconds', help: 'Batches.', labelNames: ['kind'], native: true }).observe({ kind: 'a' }, 0.2)
  for (let i = 0; i < 5; i++) await app.inject({ url: '/' })
  const { body } = await app.metrics.render()
  t.match(String(body), /^http_request_duration_seconds_bucket\{method="GET",route="\/",status_code="200",le="0\.005"\} \d+$/m, 'classic buckets as before')
  const result = await checkMetrics(String(body))
  t.equal(result.code, 0, `promtool: ${result.stdout}${result.stderr}`)
  t.equal(`${result.stdout}${result.stderr}`.trim(), '', 'no findings')
})
