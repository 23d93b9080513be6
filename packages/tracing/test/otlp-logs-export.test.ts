import { test } from 'tap'
import Fastify from 'fastify'
import tracing, { createLogger, initTracing, loggerOptions, resolveSdkConfig } from '../src/index.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { LogLines, TRACEPARENT, TRACE_ID } from './helpers.js'
import { receivedRecords, SEVERITY, startGrpcLogsReceiver, startLogsReceiver, type WireLogRecord } from '../../../test-support/otlp-logs.js'

test('OTEL_LOGS_EXPORTER=otlp: request log lines reach a real OTLP/HTTP receiver with trace context, severity, attributes, resource and redaction; stdout keeps them', async (t) => {
  const receiver = await startLogsReceiver()
  t.teardown(() => receiver.close())
  const env = {
    OTEL_LOGS_EXPORTER: 'otlp',
    // Logs only: spans go nowhere in this test.
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.url}/v1/logs`,
    OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-api-key=logs-key',
    OTEL_SERVICE_NAME: 'checkout',
    OTEL_RESOURCE_ATTRIBUTES: 'service.version=3.1.4,deployment.environment.name=staging'
  }
  const sdk = initTracing({ instrumentations: false, env })
  t.teardown(() => sdk.shutdown())
  t.ok(sdk.logs, 'the SDK exports logs')

  const stdout = new LogLines()
  const app = Fastify({ loggerInstance: createLogger({ env }, stdout) })
  await app.register(tracing)
  app.get('/ask/:id', async (request) => {
    request.log.info({ hits: 3, apiKey: 'sk-live-123', source: { index: 'docs', url: 'https://x.test/s?token=abc&q=1' } }, 'searched')
    request.log.warn('slow search')
    request.log.error({ err: new TypeError('bad answer') }, 'answer failed')
    return { traceId: request.traceId, spanId: request.span?.spanContext().spanId }
  })
  const response = await app.inject({ url: '/ask/7', headers: { traceparent: TRACEPARENT } })
  const { traceId, spanId } = response.json<{ traceId: string, spanId: string }>()
  t.equal(traceId, TRACE_ID)
  app.log.info('outside any request')
  await app.close() // flushes the log export

  const records = await waitFor('the request\'s records', async () => {
    const all = receivedRecords(receiver)
    return all.some((r) => r.body === 'outside any request') ? all : undefined
  }, 5_000, 20)
  t.equal(receiver.exports[0]!.path, '/v1/logs')
  t.equal(receiver.exports[0]!.headers['x-api-key'], 'logs-key', 'OTEL_EXPORTER_OTLP_LOGS_HEADERS are sent')
  const byBody = (body: string): WireLogRecord => records.find((r) => r.body === body)!

  const searched = byBody('searched')
  t.equal(searched.severityNumber, SEVERITY.INFO)
  t.equal(searched.severityText, 'info')
  t.equal(searched.traceId, traceId, 'the record carries the request\'s trace id as its trace context')
  t.equal(searched.spanId, spanId, 'and its server span\'s id')
  t.equal(searched.traceFlags, 1)
  t.equal(searched.attributes.hits, 3)
  t.equal(searched.attributes.apiKey, '[Redacted]', 'a secret redacted on stdout is redacted in the record')
  t.same(searched.attributes.source, { index: 'docs', url: 'https://x.test/s?token=[Redacted]&q=1' }, 'objects are maps, URLs redacted')
  t.equal(searched.attributes.reqId, 'req-1')
  t.notOk('trace_id' in searched.attributes, 'the trace fields are the record\'s own, not attributes')
  t.notOk('msg' in searched.attributes)
  t.notOk('level' in searched.attributes)
  t.ok(searched.timeNanos > 0n)
  t.match(searched.resource, {
    'service.name': 'checkout',
    'service.version': '3.1.4',
    'deployment.environment.name': 'staging',
    'telemetry.sdk.language': 'nodejs',
    'process.pid': process.pid
  }, 'the resource the spans carry')
  t.notOk('service.name' in searched.attributes, 'the service fields are in the resource')
  t.equal(searched.scope, '@obs/tracing')

  t.equal(byBody('slow search').severityNumber, SEVERITY.WARN)
  const failed = byBody('answer failed')
  t.equal(failed.severityNumber, SEVERITY.ERROR)
  t.equal(failed.attributes['exception.type'], 'TypeError')
  t.equal(failed.attributes['exception.message'], 'bad answer')
  t.match(failed.attributes['exception.stacktrace'], /TypeError: bad answer/)
  t.equal(failed.spanId, spanId)

  const incoming = records.find((r) => r.body === 'incoming request')!
  t.equal(incoming.traceId, traceId, 'Fastify\'s own request lines carry the trace too')
  const outside = byBody('outside any request')
  t.equal(outside.traceId, undefined, 'a line outside any span has no trace context')

  const line = stdout.lines.find((l) => l.msg === 'searched')!
  t.equal(line.apiKey, '[Redacted]', 'stdout is still written')
  t.equal(line.trace_id, traceId)
  t.equal(stdout.lines.length, records.length, 'every stdout line became one record')
})

test('logs over OTLP/gRPC, turned on in code, with metadata; a logger made before the SDK finds it', async (t) => {
  const receiver = await startGrpcLogsReceiver()
  t.teardown(() => receiver.close())
  const stdout = new LogLines()
  const logger = createLogger({ otlp: true, env: {} }, stdout)
  const sdk = initTracing({
    instrumentations: false,
    env: {},
    logs: { exporter: 'otlp', protocol: 'grpc', endpoint: receiver.url, headers: { 'x-tenant': 'acme' } }
  })
  t.teardown(() => sdk.shutdown())
  logger.debug('not written at info')
  logger.fatal({ queue: 'jobs', attempt: 2 }, 'worker stopped')
  await sdk.forceFlush()
  const records = await waitFor('the record over gRPC', async () => receiver.exports[0]?.decoded, 5_000, 20)
  t.equal(receiver.exports[0]!.path, '/opentelemetry.proto.collector.logs.v1.LogsService/Export')
  t.equal(receiver.exports[0]!.headers['x-tenant'], 'acme')
  t.equal(records.length, 1, 'only what the level lets through')
  t.match(records[0], { body: 'worker stopped', severityNumber: SEVERITY.FATAL, severityText: 'fatal', attributes: { queue: 'jobs', attempt: 2 }, traceId: undefined })
  t.match(sdk.selfMetrics.read().find((f) => f.name === 'otel_sdk_exporter_log_exported_total')!.series,
    [{ labels: { otel_component_type: 'otlp_grpc_log_exporter' }, value: 1 }])
})

test('a logger made before initTracing() without otlp or OTEL_LOGS_EXPORTER exports once the SDK sends logs', async (t) => {
  const receiver = await startLogsReceiver()
  t.teardown(() => receiver.close())
  const stdout = new LogLines()
  const logger = createLogger({ env: {} }, stdout)
  logger.info('before any SDK')
  const sdk = initTracing({ instrumentations: false, env: {}, logs: { exporter: 'otlp', endpoint: `${receiver.url}/v1/logs` } })
  t.teardown(() => sdk.shutdown())
  logger.warn({ job: 'reindex' }, 'after initTracing')
  await sdk.forceFlush()
  const records = await waitFor('the record', async () => receivedRecords(receiver)[0] === undefined ? undefined : receivedRecords(receiver), 5_000, 20)
  t.same(records.map((r) => r.body), ['after initTracing'], 'the line written once the SDK runs, not the one before')
  t.match(records[0], { severityNumber: SEVERITY.WARN, attributes: { job: 'reindex' } })
  t.same(stdout.lines.map((l) => l.msg), ['before any SDK', 'after initTracing'], 'stdout has both')
})

test('logs stay on stdout alone by default; only otlp: false leaves the per-line SDK lookup out', async (t) => {
  const sdk = initTracing({ instrumentations: false, env: {} })
  t.teardown(() => sdk.shutdown())
  t.equal(sdk.logs, undefined)
  t.same(sdk.config.logs, { kind: 'none' })
  t.equal(loggerOptions({ env: {}, otlp: false }).hooks?.streamWrite?.name, '', 'the plain redacting hook')
  t.equal(loggerOptions({ env: {} }).hooks?.streamWrite?.name, 'redactAndExport', 'by default, whatever the SDK does now')
  t.equal(loggerOptions({ env: { OTEL_LOGS_EXPORTER: 'otlp' } }).hooks?.streamWrite?.name, 'redactAndExport')
  t.match(resolveSdkConfig({ env: { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_BLRP_SCHEDULE_DELAY: '200' } }).logs,
    { kind: 'otlp', target: { url: 'http://collector:4318/v1/logs', protocol: 'http/protobuf' }, batch: { scheduledDelayMillis: 200 } },
    'the general endpoint gets /v1/logs; OTEL_BLRP_* reach the batch processor')
  t.match(resolveSdkConfig({ env: { OTEL_LOGS_EXPORTER: 'otlp' } }).logs, { target: { url: 'http://localhost:4318/v1/logs' } })
  t.match(resolveSdkConfig({ env: { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc' } }).logs, { target: { url: 'http://localhost:4317', protocol: 'grpc' } })
  t.same(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' } }).logs, { kind: 'none' }, 'an endpoint alone does not turn logs on')
  t.throws(() => resolveSdkConfig({ logs: { exporter: 'loki' as never } }), { code: 'OBS_TRACING_INVALID_OPTION' })
  t.throws(() => resolveSdkConfig({ logs: { protocol: 'http/json' as never } }), { code: 'OBS_TRACING_INVALID_OPTION' })
  t.throws(() => resolveSdkConfig({ logs: { endpont: 'http://x' } as never }), { code: 'OBS_TRACING_INVALID_OPTION', message: /did you mean "logs.endpoint"/ })
  t.throws(() => loggerOptions({ otlp: 'yes' as never }), { code: 'OBS_TRACING_INVALID_OPTION' })
})
