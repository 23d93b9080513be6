import { test } from 'tap'
import Fastify from 'fastify'
import metrics, { type NativeHistogramSeries, type NativeHistogramSource } from '../src/index.js'
import { startOtlpReceiver } from '../../../test-support/otlp-receiver.js'
import { readMetricsRequest } from '../../../test-support/otlp-metrics.js'
import { waitFor } from '../../../test-support/wait-for.js'

/** A registry metric that offers native histograms, built by hand as the interface asks. */
function nativeFamily (series: () => NativeHistogramSeries[]): NativeHistogramSource & object {
  return {
    name: 'rpc_duration_seconds',
    help: 'RPC duration.',
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({ name: 'rpc_duration_seconds', help: 'RPC duration.', type: 'histogram', aggregator: 'sum', values: [] }),
    nativeHistograms: series
  } as unknown as NativeHistogramSource & object
}

test('native histograms are sent as OTLP exponential histograms (OTLP index = Prometheus index - 1)', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 3_600_000, otlp: { endpoint: `${receiver.url}/v1/metrics` } } })
  app.metrics.registry.registerMetric(nativeFamily(() => [{
    labels: { service: 'db' },
    histogram: {
      schema: 3,
      zeroThreshold: 1e-128,
      zeroCount: 2,
      count: 12,
      sum: 4.5,
      positive: [[-2, 1], [1, 3], [4, 2]],
      negative: [[0, 4]]
    }
  }]) as never)
  await app.ready()
  await app.close()

  const metric = receiver.exports[0]!.decoded.metrics.find((m) => m.name === 'rpc_duration_seconds')!
  t.equal(metric.kind, 'exponential_histogram')
  t.equal(metric.temporality, 2)
  const [point] = metric.points
  t.same(point!.attributes, { service: 'db' })
  t.equal(point!.scale, 3, 'scale is the schema')
  t.equal(point!.count, 12)
  t.equal(point!.sum, 4.5)
  t.equal(point!.zeroCount, 2)
  t.equal(point!.zeroThreshold, 1e-128)
  t.same(point!.positive, { offset: -3, counts: [1, 0, 0, 3, 0, 0, 2] }, 'dense from the lowest bucket, offset one lower than Prometheus')
  t.same(point!.negative, { offset: -1, counts: [4] })
})

test('native histograms in delta temporality: bucket changes since the previous push', async (t) => {
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  let snapshot = { schema: 1, zeroThreshold: 0, zeroCount: 0, count: 3, sum: 3, positive: [[1, 1], [2, 2]] as Array<[number, number]>, negative: [] }
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 50, otlp: { endpoint: `${receiver.url}/v1/metrics`, temporality: 'delta' } } })
  app.metrics.registry.registerMetric(nativeFamily(() => [{ labels: {}, histogram: snapshot }]) as never)
  const points = (): Array<NonNullable<ReturnType<typeof readMetricsRequest>['metrics'][number]['points'][number]>> =>
    receiver.exports.map((e) => e.decoded.metrics.find((m) => m.name === 'rpc_duration_seconds')!.points[0]!)
  await app.ready()
  await waitFor('the first push', async () => points().length > 0 ? true : undefined)
  t.same(points()[0]!.positive, { offset: 0, counts: [1, 2] }, 'the first push holds everything so far')
  snapshot = { ...snapshot, count: 5, sum: 10, positive: [[1, 1], [2, 3], [5, 1]] }
  await waitFor('a push with the change', async () => points().some((p) => p.count === 2) ? true : undefined)
  await app.close()
  const change = points().find((p) => p.count === 2)!
  t.same(change.positive, { offset: 1, counts: [1, 0, 0, 1] }, 'only the buckets that grew, by how much')
  t.equal(change.sum, 7)
  t.equal(receiver.exports[0]!.decoded.metrics.find((m) => m.name === 'rpc_duration_seconds')!.temporality, 1, 'delta')
  t.equal(points().reduce((total, p) => total + p.count!, 0), 5, 'the changes add up to the total')
})

test('request histograms with native buckets keep their exemplars (ExponentialHistogramDataPoint.exemplars)', async (t) => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
  const SPAN = '00f067aa0ba902b7'
  const receiver = await startOtlpReceiver((body) => readMetricsRequest(body))
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, nativeHistograms: true, push: { intervalMs: 3_600_000, otlp: { endpoint: `${receiver.url}/v1/metrics` } } })
  app.get('/', async () => 'ok')
  app.metrics.setExemplarSource(() => ({ trace_id: TRACE, span_id: SPAN }))
  await app.ready()
  await app.inject({ url: '/' })
  await app.close()

  const metric = receiver.exports.at(-1)!.decoded.metrics.find((m) => m.name === 'http_request_duration_seconds')!
  t.equal(metric.kind, 'exponential_histogram')
  const [point] = metric.points
  t.equal(point!.exemplars.length, 1, 'the request\'s exemplar is on the exponential point')
  t.equal(point!.exemplars[0]!.traceId, TRACE)
  t.equal(point!.exemplars[0]!.spanId, SPAN)
  t.same(point!.exemplars[0]!.attributes, {})
})
