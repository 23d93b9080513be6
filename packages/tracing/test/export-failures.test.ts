import { test } from 'tap'
import { trace } from '@opentelemetry/api'
import { status } from '@grpc/grpc-js'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import tracing, { createLogger, initTracing, type SelfMetricFamily, type TracingSdk } from '../src/index.js'
import { startOtlpGrpcReceiver } from '../../../test-support/otlp-grpc-receiver.js'
import { freePort } from '../../../test-support/free-port.js'
import { LogLines } from './helpers.js'
import { decodeLogsExport, startLogsReceiver } from '../../../test-support/otlp-logs.js'
import { startTraceReceiver } from '../../../test-support/otlp-traces.js'

/** The series of one self-metric family, as `labels → value` ("otlp_http_span_exporter" or "…|503"). */
function series (sdk: TracingSdk, name: SelfMetricFamily['name']): Record<string, number> {
  const family = sdk.selfMetrics.read().find((f) => f.name === name)!
  return Object.fromEntries(family.series.map(({ labels, value }) =>
    [labels.error_type === undefined ? labels.otel_component_type : `${labels.otel_component_type}|${labels.error_type}`, value]))
}

/** This package's export-failure warnings, collected while the test runs. */
function exportWarnings (t: { teardown (fn: () => void): void }): Array<Error & { code?: string }> {
  const seen: Array<Error & { code?: string }> = []
  const listener = (warning: Error & { code?: string }): void => { if (warning.code === 'OBS_TRACING_EXPORT_FAILED') seen.push(warning) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  return seen
}

const nextTick = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

test('a collector that refuses spans: counted with error_type, warned once per interval, requests unaffected, then counted as exported', async (t) => {
  const receiver = await startTraceReceiver()
  t.teardown(() => receiver.close())
  receiver.failWith = 400 // not retried: the failure is final at once
  const warnings = exportWarnings(t)
  const sdk = initTracing({ instrumentations: false, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=hunter2' } })
  t.teardown(() => sdk.shutdown())

  const app = Fastify()
  await app.register(metrics, { processMetrics: false })
  await app.register(tracing)
  app.get('/work', async () => 'done')
  await app.ready()
  t.teardown(() => app.close())

  for (let i = 0; i < 2; i++) {
    const response = await app.inject('/work')
    t.equal(response.statusCode, 200, 'the app is unaffected')
    await sdk.forceFlush().catch(() => {})
  }
  await nextTick()
  t.same(series(sdk, 'otel_sdk_exporter_span_exported_total'), { 'otlp_http_span_exporter|400': 2 })
  t.same(series(sdk, 'otel_sdk_processor_span_processed_total'), { 'batching_span_processor|OTLPExporterError': 2 })
  t.equal(warnings.length, 1, 'two failures in a row, one warning')
  t.match(warnings[0]!.message, /otlp_http_span_exporter: the export of 1 spans to http:\/\/127\.0\.0\.1:\d+ failed \(error_type "400"\)/)
  t.notMatch(warnings[0]!.message, /hunter2/, 'no header value')

  const scrape = (await app.inject('/metrics')).body
  t.match(scrape, /^otel_sdk_exporter_span_exported_total\{otel_component_type="otlp_http_span_exporter",error_type="400"\} 2$/m, 'on /metrics beside @obs/metrics\' own')
  t.match(scrape, /^otel_sdk_processor_span_processed_total\{otel_component_type="batching_span_processor",error_type="OTLPExporterError"\} 2$/m)
  t.match(scrape, /# TYPE otel_sdk_exporter_log_exported_total counter/)

  receiver.failWith = undefined
  await app.inject('/work')
  await sdk.forceFlush()
  t.same(series(sdk, 'otel_sdk_exporter_span_exported_total'), { 'otlp_http_span_exporter|400': 2, otlp_http_span_exporter: 1 },
    'a success has no error_type')
  t.match((await app.inject('/metrics')).body, /^otel_sdk_exporter_span_exported_total\{otel_component_type="otlp_http_span_exporter"\} 1$/m)
})

test('a collector that is down: spans fail with the connection error, within the export timeout', async (t) => {
  const port = await freePort()
  const warnings = exportWarnings(t)
  const sdk = initTracing({ instrumentations: false, endpoint: `http://127.0.0.1:${port}/v1/traces`, timeoutMs: 200, env: {} })
  t.teardown(() => sdk.shutdown())
  trace.getTracer('t').startSpan('lost').end()
  await sdk.forceFlush().catch(() => {})
  await nextTick()
  t.same(series(sdk, 'otel_sdk_exporter_span_exported_total'), { 'otlp_http_span_exporter|ECONNREFUSED': 1 })
  t.equal(warnings.length, 1)
})

test('a full batch queue drops spans, counted as queue_full', async (t) => {
  const receiver = await startTraceReceiver()
  t.teardown(() => receiver.close())
  const sdk = initTracing({ instrumentations: false, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_MAX_QUEUE_SIZE: '1' } })
  t.teardown(() => sdk.shutdown())
  const tracer = trace.getTracer('t')
  // The first goes out at once (a full batch of 1), the second waits in the queue, the third finds it full.
  for (let i = 0; i < 3; i++) tracer.startSpan(`span ${i}`).end()
  await sdk.forceFlush()
  t.same(series(sdk, 'otel_sdk_processor_span_processed_total'), { 'batching_span_processor|queue_full': 1, batching_span_processor: 2 })
})

test('log exports refused over gRPC and HTTP: counted per exporter; the logger keeps writing stdout', async (t) => {
  const grpcReceiver = await startOtlpGrpcReceiver(['logs'], (body) => decodeLogsExport(body))
  t.teardown(() => grpcReceiver.close())
  grpcReceiver.failWith = status.UNAVAILABLE
  const warnings = exportWarnings(t)
  const sdk = initTracing({ instrumentations: false, env: { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: grpcReceiver.url } })
  const stdout = new LogLines()
  const logger = createLogger({ env: {} }, stdout)
  logger.info('one')
  logger.info('two')
  await sdk.forceFlush().catch(() => {})
  logger.info('three')
  await sdk.forceFlush().catch(() => {})
  await nextTick()
  t.same(series(sdk, 'otel_sdk_exporter_log_exported_total'), { 'otlp_grpc_log_exporter|UNAVAILABLE': 3 })
  t.same(series(sdk, 'otel_sdk_processor_log_processed_total'), { 'batching_log_processor|Error': 3 })
  t.equal(warnings.length, 1, 'once per interval')
  t.match(warnings[0]!.message, /otlp_grpc_log_exporter: the export of 2 log records/)
  t.same(stdout.lines.map((l) => l.msg), ['one', 'two', 'three'], 'stdout is written all the same')
  await sdk.shutdown()

  const httpReceiver = await startLogsReceiver()
  t.teardown(() => httpReceiver.close())
  httpReceiver.failWith = 401
  const second = initTracing({ instrumentations: false, logs: { exporter: 'otlp', endpoint: `${httpReceiver.url}/v1/logs` }, env: {} })
  t.teardown(() => second.shutdown())
  logger.warn('refused')
  await second.forceFlush().catch(() => {})
  t.same(series(second, 'otel_sdk_exporter_log_exported_total'), { 'otlp_http_log_exporter|401': 1 })
})
