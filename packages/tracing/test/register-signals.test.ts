import { test } from 'tap'
import { startOtlpGrpcReceiver } from '../../../test-support/otlp-grpc-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { fixture, startChildApp } from './child-app.js'
import { decodeTraceExport, type WireSpan } from '../../../test-support/otlp-traces.js'
import { decodeLogsExport, SEVERITY, type WireLogRecord } from '../../../test-support/otlp-logs.js'

test('the preload, from the environment alone: spans and log records over OTLP/gRPC, with one trace between them', async (t) => {
  const receiver = await startOtlpGrpcReceiver<WireSpan[] | WireLogRecord[]>(['traces', 'logs'],
    (body, signal) => signal === 'traces' ? decodeTraceExport(body) : decodeLogsExport(body))
  t.teardown(() => receiver.close())
  const app = await startChildApp(['--import', '@obs/tracing/register', fixture('logging-app.mjs')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_SERVICE_NAME: 'asker'
  })
  const { traceId } = await (await fetch(`http://127.0.0.1:${app.port}/ask/7`)).json() as { traceId: string }
  const { code } = await app.stop()
  t.equal(code, 0)

  const of = (path: string): Array<WireSpan | WireLogRecord> =>
    receiver.exports.filter((e) => e.path.includes(path)).flatMap((e): Array<WireSpan | WireLogRecord> => e.decoded)
  const records = await waitFor('the "asked" record', async () => {
    const all = of('LogsService') as WireLogRecord[]
    return all.some((r) => r.body === 'asked') ? all : undefined
  }, 10_000, 20)
  const spans = await waitFor('the server span', async () => {
    const all = of('TraceService') as WireSpan[]
    return all.length > 0 ? all : undefined
  }, 10_000, 20)
  const server = spans.find((span) => span.name === 'GET /ask/:id')!
  const asked = records.find((r) => r.body === 'asked')!
  t.equal(server.traceId, traceId)
  t.equal(asked.traceId, traceId, 'the record points at the request\'s trace')
  t.equal(asked.spanId, server.spanId, 'and at its server span')
  t.equal(asked.severityNumber, SEVERITY.INFO)
  t.match(asked.attributes, { question: '7', token: '[Redacted]' })
  t.equal(asked.resource['service.name'], 'asker')
  t.same(asked.resource, server.resource, 'records and spans carry one resource')
})
