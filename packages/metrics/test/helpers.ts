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
