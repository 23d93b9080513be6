import Fastify, { type FastifyInstance } from 'fastify'
import metrics, { type MetricsPluginOptions } from '../src/index.js'
import { samples } from '../../../test-support/exposition.js'

/** A Fastify app with @obs/metrics registered (process metrics off unless asked, to keep output small). */
export async function buildApp (options: MetricsPluginOptions = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, ...options })
  return app
}

export async function scrape (app: FastifyInstance, accept?: string): Promise<string> {
  const response = await app.inject({ url: '/metrics', headers: accept === undefined ? {} : { accept } })
  if (response.statusCode !== 200) throw new Error(`GET /metrics answered ${response.statusCode}: ${response.body}`)
  return response.body
}

export async function scrapeSamples (app: FastifyInstance): Promise<Map<string, number>> {
  return samples(await scrape(app))
}

export const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'

/**
 * An app with about 100,000 series: 50,000 counter label sets, 3,572 histogram label sets of 14
 * series each, a summary and the request metrics, with values that differ from series to series.
 * With `native`, the histogram and the request duration keep native buckets too.
 */
export async function bigApp ({ native = false } = {}): Promise<FastifyInstance> {
  const series = 100_000
  const app = await buildApp({ maxLabelSets: series, defaultLabels: { service: 'big' }, ...(native ? { nativeHistograms: true } : {}) })
  const counter = app.metrics.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['tenant', 'kind'] })
  const histogram = app.metrics.histogram({ name: 'job_seconds', help: 'Job duration.', labelNames: ['tenant'], native })
  for (let i = 0; i < series / 2; i++) counter.inc({ tenant: `t${i}`, kind: i % 2 === 0 ? 'a' : 'b "quoted"' }, i + 1)
  for (let i = 0; i < Math.round(series / 28); i++) histogram.observe({ tenant: `t${i}` }, (i % 200) / 100)
  const summary = app.metrics.summary({ name: 'payload_bytes', help: 'Payloads.', labelNames: ['tenant'], percentiles: [0.5] })
  summary.observe({ tenant: 't1' }, 10)
  app.get('/users/:id', async () => 'x')
  for (let i = 0; i < 5; i++) await app.inject(`/users/${i}`)
  return app
}

/** Counts the turns of the event loop (setImmediate callbacks) while `work` runs, calling `onTurn` in each. */
export async function turnsDuring<T> (work: () => Promise<T>, onTurn?: () => void): Promise<{ result: T, turns: number }> {
  let turns = 0
  let running = true
  const tick = (): void => {
    if (!running) return
    turns++
    onTurn?.()
    setImmediate(tick)
  }
  setImmediate(tick)
  try {
    return { result: await work(), turns }
  } finally {
    running = false
  }
}
