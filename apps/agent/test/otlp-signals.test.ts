// The demo as an operator runs it against a collector: started with the standard variables only
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_METRICS_EXPORTER=otlp, OTEL_LOGS_EXPORTER=otlp), it sends
// traces, metrics and logs to one OTLP/HTTP endpoint, each with the same resource, and its log
// records carry the trace context of the request that wrote them.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from '@obs/test-support/free-port'
import { decodeLogsExport } from '@obs/test-support/otlp-logs'
import { readMetricsRequest } from '@obs/test-support/otlp-metrics'
import { startOtlpReceiver } from '@obs/test-support/otlp-receiver'
import { decodeTraceExport } from '@obs/test-support/otlp-traces'
import { waitFor } from '@obs/test-support/wait-for'
import { test } from 'tap'

const SERVER = fileURLToPath(new URL('../dist/src/server.js', import.meta.url))

test('the demo started with the OTEL_* variables sends traces, metrics and logs to a local OTLP receiver', async (t) => {
  // Kept raw: each signal is decoded by its path below.
  const receiver = await startOtlpReceiver((body) => body)
  t.teardown(() => receiver.close())
  const port = await freePort()
  let output = ''
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LLM_LATENCY_SCALE: '0.01',
      OTEL_SERVICE_NAME: 'agent-otlp-test',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000) })
  child.stderr.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000) })
  t.teardown(() => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  }))
  const base = `http://127.0.0.1:${port}`
  await waitFor('the demo to be ready', async () => (await fetch(`${base}/health/ready`).catch(() => undefined))?.ok === true || undefined)

  const response = await fetch(`${base}/tasks?wait=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'What is 6 * 7?' })
  })
  t.equal(response.status, 200, 'the task ran')

  const bodies = (path: string): Buffer[] => receiver.exports.filter((e) => e.path === path).map((e) => e.decoded)
  const spans = await waitFor('the task\'s spans', async () => {
    const all = bodies('/v1/traces').flatMap(decodeTraceExport)
    return all.some((span) => span.name === 'POST /tasks') && all.some((span) => span.name.startsWith('chat ')) ? all : undefined
  }, 30_000).catch((error: Error) => { throw new Error(`${error.message}\n${output}`) })
  const server = spans.find((span) => span.name === 'POST /tasks')!
  t.ok(spans.some((span) => span.name.startsWith('chat ') && span.traceId === server.traceId), 'the model call is in the request\'s trace')

  const metrics = await waitFor('metrics with the request and the model call', async () => {
    const requests = bodies('/v1/metrics').map(readMetricsRequest)
    const last = requests.at(-1)
    const names = new Set(last?.metrics.map((m) => m.name))
    return names.has('http_requests_total') && names.has('gen_ai_client_operation_duration_seconds') ? last : undefined
  })
  const requestCount = metrics!.metrics.find((m) => m.name === 'http_requests_total')!
  t.equal(requestCount.kind, 'sum')
  t.ok(requestCount.points.some((p) => p.attributes.route === '/tasks' && p.attributes.method === 'POST' && p.value === 1), 'POST /tasks counted once')
  const modelDuration = metrics!.metrics.find((m) => m.name === 'gen_ai_client_operation_duration_seconds')!
  t.equal(modelDuration.kind, 'exponential_histogram', 'the native duration histograms go out as exponential histograms')

  const records = await waitFor('log records of the request', async () => {
    const all = bodies('/v1/logs').flatMap(decodeLogsExport)
    return all.some((record) => record.traceId === server.traceId) ? all : undefined
  })
  const ofRequest = records.filter((record) => record.traceId === server.traceId)
  t.ok(ofRequest.every((record) => record.spanId !== undefined), 'each record of the request has its span id')

  // One service, whatever the signal.
  const serviceNames = new Set([server.resource['service.name'], metrics!.resource['service.name'], ofRequest[0]!.resource['service.name']])
  t.same([...serviceNames], ['agent-otlp-test'], 'the same service.name on traces, metrics and logs')
  t.match(output, /"trace_id":"[0-9a-f]{32}"/, 'stdout still gets the log lines')
})
