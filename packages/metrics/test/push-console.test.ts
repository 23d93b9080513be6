import { test } from 'tap'
import Fastify from 'fastify'
import { Gauge } from '@prometheus-io/client'
import metrics from '../src/index.js'

test('the console sink writes a readable table to the stream it is given', async (t) => {
  let out = ''
  const stream = { write: (chunk: string) => { out += chunk; return true } }
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, push: { intervalMs: 3_600_000, console: { stream } } })
  app.get('/', async () => 'ok')
  new Gauge({ name: 'queue_depth', help: 'Depth.', labelNames: ['queue'], registers: [app.metrics.registry] }).set({ queue: 'mail' }, 7)
  await app.ready()
  await app.inject({ url: '/' })
  await app.close()
  const lines = out.split('\n')
  t.match(lines[0], /^@obs\/metrics push at \d{4}-\d\d-\d\dT/)
  t.match(lines[1], /^METRIC\s+TYPE\s+LABELS\s+VALUE$/)
  t.ok(lines.some((l) => /^queue_depth\s+gauge\s+queue=mail\s+7$/.test(l)), out)
  t.ok(lines.some((l) => /^http_requests_total\s+counter\s+method=GET,route=\/,status_code=200\s+1$/.test(l)), out)
  t.ok(lines.some((l) => /^http_request_duration_seconds\s+histogram\s+method=GET,route=\/,status_code=200\s+count=1 sum=/.test(l)), out)
})

test('OTEL_METRICS_EXPORTER=console turns the push on without a push option', async (t) => {
  process.env.OTEL_METRICS_EXPORTER = 'console,bogus'
  t.teardown(() => { delete process.env.OTEL_METRICS_EXPORTER })
  const warnings: Array<{ code?: string, message: string }> = []
  const onWarning = (w: Error & { code?: string }): void => { warnings.push(w) }
  process.on('warning', onWarning)
  t.teardown(() => process.off('warning', onWarning))
  const write = process.stdout.write
  let out = ''
  process.stdout.write = ((chunk: string) => { out += chunk; return true }) as typeof write
  try {
    const app = Fastify()
    await app.register(metrics, { processMetrics: false })
    await app.ready()
    await app.close()
  } finally {
    process.stdout.write = write
  }
  t.match(out, /@obs\/metrics push at/, 'the table went to stdout')
  await new Promise((resolve) => setImmediate(resolve))
  t.ok(warnings.some((w) => w.code === 'OBS_METRICS_INVALID_ENV' && w.message.includes('bogus')), 'an unknown exporter name is warned about')
})
