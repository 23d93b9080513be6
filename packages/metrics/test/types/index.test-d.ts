// Compiled, never run: checks that the public types accept what users write and reject mistakes.
import Fastify from 'fastify'
import metrics, { type MetricsPluginOptions, type ObsMetrics, type MetricsSummary } from '@obs/metrics'

const app = Fastify()
await app.register(metrics)
await app.register(metrics, { prefix: 'agent_', defaultLabels: { service: 'agent' }, buckets: [0.1, 1, 10], exclude: ['/health/live', /^\/internal/] })
await app.register(metrics, { auth: { bearerToken: 'token' } })
await app.register(metrics, { auth: (request) => request.headers['x-internal'] === '1' })
// @ts-expect-error path is a string or false
await app.register(metrics, { path: true })
// @ts-expect-error buckets are numbers
await app.register(metrics, { buckets: ['fast'] })

const options: MetricsPluginOptions = { inFlight: false, sizes: true, maxLabelSets: 500 }

const api: ObsMetrics = app.metrics
const counter = api.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue', 'outcome'] as const })
counter.inc({ queue: 'default', outcome: 'done' })
counter.labels('default', 'done').inc(2)
// @ts-expect-error a label that was not declared
counter.inc({ tenant: 'x' })
api.gauge({ name: 'depth', help: 'Depth.' }).set(3)
api.histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 1] }).observe(0.2)
api.summary({ name: 'size_bytes', help: 'Size.', percentiles: [0.5, 0.99] }).observe(10)

app.get('/private', { config: { metrics: false } }, async () => 'x')
// @ts-expect-error the route option is a boolean
app.get('/wrong', { config: { metrics: 'off' } }, async () => 'x')

const search = api.timed('search', async (query: string, limit: number) => ({ hits: [query], limit, usage: { input: 10, output: 2 } }), {
  tokens: (result) => ({ model: 'gpt', inputTokens: result.usage.input, outputTokens: result.usage.output })
})
const found: Promise<{ hits: string[], limit: number, usage: { input: number, output: number } }> = search('cats', 3)
// @ts-expect-error the wrapper keeps the parameter types
const misused = search(3, 'cats')
const parse = api.timed('parse', (text: string): number => text.length)
const length: number = parse('abc')

api.agent.recordLlmCall({ model: 'gpt-4o-mini', provider: 'openai', durationSeconds: 1.2, inputTokens: 10, outputTokens: 5, costUsd: 0.001 })
// @ts-expect-error the model is required
api.agent.recordLlmCall({ durationSeconds: 1 })
const end = api.agent.taskStarted()
end('completed')
const tool = api.agent.wrapTool('calculator', (a: number, b: number) => a + b)
const sum: number = tool(1, 2)

const summary: MetricsSummary = api.requestSummary()
const p99: number | null | undefined = summary.routes[0]?.p99
api.setExemplarSource((request) => ({ trace_id: String(request.id) }))
const exposition: Promise<{ contentType: string, body: string }> = api.render('application/openmetrics-text')
const scraped: Promise<{ contentType: string, body: string | Buffer }> = api.scrape('application/vnd.google.protobuf')
const nativeHistogram = api.histogram({ name: 'llm_seconds', help: 'LLM calls.', native: { schema: 2, maxBuckets: 100, zeroThreshold: 0 } })
// @ts-expect-error the schema is a number
api.histogram({ name: 'bad_seconds', help: 'Bad.', native: { schema: 'fine' } })
await app.register(metrics, { nativeHistograms: true })
await app.register(metrics, { nativeHistograms: { schema: 3 } })

export { options, found, misused, length, sum, p99, exposition, nativeHistogram, scraped }
