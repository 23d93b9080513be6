import { test } from 'tap'
import { ExportFailureLog } from '../src/self-metrics/export-failure-log.js'

test('export failures are warned about at most once per interval and per exporter, naming the origin only', async (t) => {
  const seen: Array<Error & { code?: string }> = []
  const listener = (warning: Error & { code?: string }): void => { if (warning.code === 'OBS_TRACING_EXPORT_FAILED') seen.push(warning) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  let now = 1_000_000
  const log = new ExportFailureLog(60_000, () => now)
  const endpoint = 'https://user:pa55@collector.example.com:4318/v1/traces?token=abc'
  log.report('otlp_http_span_exporter', 'otel_sdk_exporter_span_exported_total', 'spans', 5, '503', endpoint)
  now += 59_999
  log.report('otlp_http_span_exporter', 'otel_sdk_exporter_span_exported_total', 'spans', 5, '503', endpoint)
  log.report('otlp_grpc_log_exporter', 'otel_sdk_exporter_log_exported_total', 'log records', 2, 'UNAVAILABLE', 'http://c:4317')
  now += 1
  log.report('otlp_http_span_exporter', 'otel_sdk_exporter_span_exported_total', 'spans', 1, 'ECONNREFUSED', endpoint)
  await new Promise((resolve) => setImmediate(resolve))
  t.same(seen.map((w) => w.message.split(':')[0]), ['otlp_http_span_exporter', 'otlp_grpc_log_exporter', 'otlp_http_span_exporter'])
  t.match(seen[0]!.message, 'the export of 5 spans to https://collector.example.com:4318 failed (error_type "503")')
  t.match(seen[2]!.message, 'error_type "ECONNREFUSED"')
  t.notOk(seen.some((w) => /pa55|token|user/.test(w.message)), 'no credentials, path or query')
})
