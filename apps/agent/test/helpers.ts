import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { type AgentAppOptions, buildAgentApp } from '../src/app.js'
import { type AgentConfig, readConfig } from '../src/config.js'
import type { LlmProvider } from '../src/llm/provider.js'
import { SimulatedProvider } from '../src/llm/simulated-provider.js'

/** The demo's configuration with latencies cut 500-fold, so a pipeline takes milliseconds. */
export function testConfig (overrides: Partial<AgentConfig> = {}): AgentConfig {
  return { ...readConfig({}), llmLatencyScale: 0.002, llmFailureRate: 0, alertInterval: '1s', seed: 1, ...overrides }
}

export interface TestAppOptions {
  provider?: LlmProvider
  logger?: boolean | Record<string, unknown>
  alerting?: AgentAppOptions['alerting']
}

export async function buildTestApp (overrides: Partial<AgentConfig> = {}, options: TestAppOptions = {}): Promise<{ app: FastifyInstance, provider: LlmProvider }> {
  const config = testConfig(overrides)
  const provider = options.provider ?? new SimulatedProvider({ failureRate: config.llmFailureRate, latencyScale: config.llmLatencyScale, seed: 1 })
  const app = await buildAgentApp({ config, provider, handleSignals: false, logger: options.logger ?? false, ...(options.alerting === undefined ? {} : { alerting: options.alerting }) })
  await app.ready()
  return { app, provider }
}

export const ask = (app: FastifyInstance, query: string, wait = true, model?: string) =>
  app.inject({ method: 'POST', url: `/tasks${wait ? '?wait=true' : ''}`, payload: { query, ...(model === undefined ? {} : { model }) } })

/** A test app listening on 127.0.0.1, closed when the test ends. */
export async function listeningApp (t: Test, overrides: Partial<AgentConfig> = {}): Promise<{ app: FastifyInstance, url: string }> {
  const { app } = await buildTestApp(overrides)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` }
}
