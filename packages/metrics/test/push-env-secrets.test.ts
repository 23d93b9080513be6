import { test } from 'tap'
import Fastify from 'fastify'
import { Registry } from '@prometheus-io/client'
import metrics from '../src/index.js'
import { resolvePush } from '../src/push/index.js'
import { EXPORTED, pushSelfMetrics } from '../src/push/self-metrics.js'
import { startOtlpGrpcReceiver } from '../../../test-support/otlp-grpc-receiver.js'

test('an invalid OTLP endpoint variable is warned about without its value, which may hold credentials or a token', async (t) => {
  const seen: string[] = []
  // Only @obs's warnings: the test runner's loader has its own on some Node lines (DEP0205).
  const listener = (warning: Error & { code?: string }): void => { if (warning.code?.startsWith('OBS_') === true) seen.push(`${warning.code} ${warning.message}`) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  const push = resolvePush(undefined, {
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'ftp://user:hunter2@collector:4318/v1/metrics?token=abc123',
    OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr3t,oops'
  })
  await new Promise((resolve) => setImmediate(resolve))
  t.ok(push !== undefined, 'push is still on, with the defaults')
  t.same(seen.sort(), [
    'OBS_METRICS_INVALID_ENV Ignoring OTEL_EXPORTER_OTLP_HEADERS: item 2 of the list is not key=value; the whole list is ignored',
    'OBS_METRICS_INVALID_ENV Ignoring OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: expected an http(s) URL'
  ])
  t.notMatch(seen.join('\n'), /hunter2|abc123|s3cr3t/)
})

test('a header gRPC metadata cannot carry (a token read with its newline) is left out, named without its value', async (t) => {
  const receiver = await startOtlpGrpcReceiver(['metrics'], (body) => body)
  t.teardown(() => receiver.close())
  const seen: string[] = []
  const listener = (warning: Error & { code?: string }): void => { if (warning.code?.startsWith('OBS_') === true) seen.push(`${warning.code} ${warning.message}`) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  const app = Fastify()
  await app.register(metrics, {
    processMetrics: false,
    push: { intervalMs: 60_000, otlp: { protocol: 'grpc', endpoint: receiver.url, headers: { authorization: 'Bearer t0k3n\n', 'x-team': 'core' } } }
  })
  await app.ready()
  await app.close() // the last push
  t.ok(receiver.exports.length > 0, 'the push went through')
  t.equal(receiver.exports.at(-1)!.headers['x-team'], 'core', 'the other headers are sent')
  t.equal(receiver.exports.at(-1)!.headers.authorization, undefined, 'the bad one is not')
  t.same(seen, ['OBS_METRICS_INVALID_HEADER The header "authorization" is not valid gRPC metadata and is not sent'])
  t.notMatch(seen.join('\n'), /t0k3n/)
})

test('the error types a push counts are bounded: past 64, they are counted as _OTHER', async (t) => {
  const registry = new Registry()
  const self = pushSelfMetrics(registry, '')
  for (let status = 400; status < 480; status++) self.exported('otlp_http_metric_exporter', 1, String(status))
  const { values } = await registry.getSingleMetric(EXPORTED)!.get()
  t.equal(values.length, 65)
  t.equal(values.find((v) => v.labels.error_type === '_OTHER')?.value, 16)
})
