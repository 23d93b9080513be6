import { test } from 'tap'
import { trace } from '@opentelemetry/api'
import Fastify from 'fastify'
import tracing, { initTracing, resolveSdkConfig } from '../src/index.js'
import { startOtlpGrpcReceiver } from '../../../test-support/otlp-grpc-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { decodeTraceExport, SPAN_KIND, type WireSpan } from '../../../test-support/otlp-traces.js'
import { TRACE_ID, TRACEPARENT } from './helpers.js'

test('OTEL_EXPORTER_OTLP_PROTOCOL=grpc: server spans reach a real OTLP/gRPC receiver, headers as metadata', async (t) => {
  const receiver = await startOtlpGrpcReceiver(['traces'], (body) => decodeTraceExport(body))
  t.teardown(() => receiver.close())
  const sdk = initTracing({
    instrumentations: false,
    env: {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      // Taken as it is over gRPC: no /v1/traces.
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret%20key',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging'
    }
  })
  t.teardown(() => sdk.shutdown())
  t.match(sdk.config.exporter, { kind: 'otlp', protocol: 'grpc', url: receiver.url, compression: 'gzip' })

  const app = Fastify()
  await app.register(tracing)
  app.get('/orders/:id', async () => ({ ok: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  await fetch(`http://127.0.0.1:${port}/orders/17`, { headers: { traceparent: TRACEPARENT } })
  await app.close()

  const spans = await waitFor('the server span over gRPC', async () => {
    const all = receiver.exports.flatMap((e) => e.decoded)
    return all.length > 0 ? all : undefined
  }, 5_000, 20)
  const request = receiver.exports[0]!
  t.equal(request.path, '/opentelemetry.proto.collector.trace.v1.TraceService/Export')
  t.equal(request.headers['x-api-key'], 'secret key', 'OTEL_EXPORTER_OTLP_HEADERS are sent as metadata')
  const span = spans[0] as WireSpan
  t.equal(span.name, 'GET /orders/:id')
  t.equal(span.kind, SPAN_KIND.SERVER)
  t.equal(span.traceId, TRACE_ID)
  t.equal(span.attributes['http.route'], '/orders/:id')
  t.match(span.resource, { 'service.name': 'checkout', 'deployment.environment.name': 'staging', 'telemetry.sdk.language': 'nodejs' })
  t.match(sdk.selfMetrics.read().find((f) => f.name === 'otel_sdk_exporter_span_exported_total')!.series,
    [{ labels: { otel_component_type: 'otlp_grpc_span_exporter' }, value: 1 }], 'the export is counted, without error_type')
})

test('protocol: "grpc" in code, with its endpoint and metadata, and spans of a tracer go out on flush', async (t) => {
  const receiver = await startOtlpGrpcReceiver(['traces'], (body) => decodeTraceExport(body))
  t.teardown(() => receiver.close())
  const warned: Array<Error & { code?: string }> = []
  const listener = (warning: Error & { code?: string }): void => { if (warning.code === 'OBS_TRACING_INVALID_HEADER') warned.push(warning) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  const sdk = initTracing({
    instrumentations: false,
    protocol: 'grpc',
    endpoint: receiver.url,
    headers: { Authorization: 'Bearer t0ken', 'x key with spaces': 's3cret' },
    env: {}
  })
  t.teardown(() => sdk.shutdown())
  trace.getTracer('t').startSpan('in code').end()
  await sdk.forceFlush()
  const spans = await waitFor('the span', async () => receiver.exports[0]?.decoded, 5_000, 20)
  t.equal(spans[0]!.name, 'in code')
  t.equal(receiver.exports[0]!.headers.authorization, 'Bearer t0ken', 'header names become lower-case metadata keys')
  t.equal(warned.length, 1, 'a header gRPC cannot carry is left out with a warning')
  t.match(warned[0]!.message, '"x key with spaces"')
  t.notMatch(warned[0]!.message, /s3cret/, 'never its value')
})

test('gRPC endpoints follow the specification: 4317, and the general endpoint without a signal path', async (t) => {
  t.match(resolveSdkConfig({ env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } }).exporter,
    { kind: 'otlp', protocol: 'grpc', url: 'http://localhost:4317', configured: false })
  t.match(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' } }).exporter,
    { kind: 'otlp', protocol: 'grpc', url: 'http://collector:4317' })
  t.match(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' } }).exporter,
    { protocol: 'http/protobuf', url: 'http://collector:4318/v1/traces' }, 'the traces variable wins')
  t.match(resolveSdkConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1500' } }).exporter,
    { timeoutMs: 1500 })
  t.throws(() => resolveSdkConfig({ compression: 'zstd' as never, env: {} }), { code: 'OBS_TRACING_INVALID_OPTION' })
  t.throws(() => resolveSdkConfig({ timeoutMs: 0, env: {} }), { code: 'OBS_TRACING_INVALID_OPTION' })
})
