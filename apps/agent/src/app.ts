import alerts, { type NotifierConfig } from '@obs/alerts'
import health, { pingCheck, queueDepthCheck } from '@obs/health'
import metrics from '@obs/metrics'
import tracing, { loggerOptions } from '@obs/tracing'
import { context } from '@opentelemetry/api'
import Fastify, { type FastifyInstance } from 'fastify'
import { agentRules } from './alert-rules.js'
import { LruCache } from './cache.js'
import obsConsole, { LogStore, logTee } from '@obs/console'
import type { AgentConfig } from './config.js'
import { KnowledgeBase } from './knowledge-base.js'
import type { CompletionResult, LlmProvider } from './llm/provider.js'
import { SIMULATED_MODELS, SimulatedProvider } from './llm/simulated-provider.js'
import { runPipeline } from './pipeline.js'
import { registerTaskRoutes } from './routes.js'
import type { Task } from './task.js'
import { TaskQueue } from './task-queue.js'
import { TaskStore } from './task-store.js'
import { TOOLS } from './tools.js'

export interface AgentAppOptions {
  config: AgentConfig
  /** A real provider; by default the simulated one. */
  provider?: LlmProvider
  /** Fastify's logger option; by default the @obs/tracing preset (JSON, trace ids, redaction). */
  logger?: boolean | Record<string, unknown>
  /** Drain and exit on SIGTERM and SIGINT (default); the local stack and tests handle signals themselves. */
  handleSignals?: boolean
}

const SIMULATED_MODEL_NAMES = Object.keys(SIMULATED_MODELS)

/** Queued work: the task and the trace context of the request that submitted it. */
interface Job {
  task: Task
  context: ReturnType<typeof context.active>
  done: () => void
}

/** The agent service: the four @obs plugins, the pipeline behind a queue, and the task routes. */
export async function buildAgentApp ({ config, provider, logger, handleSignals = true }: AgentAppOptions): Promise<FastifyInstance> {
  // The preset logger writes to stdout and into the console's log store.
  const logs = logger === undefined ? new LogStore(2000) : undefined
  const app = Fastify({
    logger: logs === undefined ? logger : { ...loggerOptions({ serviceName: config.serviceName, environment: config.environment }), stream: logTee(logs) }
  })

  await app.register(metrics, { defaultLabels: { service: config.serviceName, environment: config.environment } })
  await app.register(tracing, { traceIdHeader: 'x-trace-id' })
  // The shutdown budget: the drain, then the longest request (a waiting POST), then a margin.
  await app.register(health, {
    shutdown: {
      signals: handleSignals ? ['SIGTERM', 'SIGINT'] : false,
      drainDelayMs: config.drainDelayMs,
      timeoutMs: config.drainDelayMs + config.waitTimeoutMs + 5000
    }
  })
  await app.register(alerts, {
    rules: agentRules({ window: config.alertWindow, for: config.alertFor }),
    interval: config.alertInterval,
    notifiers: notifiers(config),
    externalUrl: config.publicUrl
  })
  // The live page under /obs/ (off when NODE_ENV=production), and / leads to it.
  await app.register(obsConsole, logs === undefined ? {} : { logs })
  if (app.obsConsole.enabled) {
    app.get('/', { config: { metrics: false, tracing: false } }, async (_request, reply) => reply.redirect(app.obsConsole.prefix))
  }

  const model = provider ?? new SimulatedProvider({
    failureRate: config.llmFailureRate,
    latencyScale: config.llmLatencyScale,
    ...(config.seed === undefined ? {} : { seed: config.seed })
  })
  const { agent } = app.metrics
  const answers = new LruCache<CompletionResult>(config.cacheSize, 10 * 60_000, {
    hit: () => agent.cacheHit('answers'),
    miss: () => agent.cacheMiss('answers'),
    evicted: (count) => agent.cacheEviction('answers', count)
  })
  const tools = Object.fromEntries(Object.entries(TOOLS).map(([name, tool]) => [name, agent.wrapTool(name, tool)]))
  const deps = {
    provider: model,
    knowledgeBase: new KnowledgeBase(),
    answers,
    agent,
    tools,
    withSpan: app.tracing.withSpan,
    log: app.log,
    llmTimeoutMs: config.llmTimeoutMs
  }
  const store = new TaskStore(10_000)
  // Workers run each task in the trace context of the request that submitted it, so the
  // pipeline's spans are children of that request's server span.
  const queue = new TaskQueue<Job>(config.queueCapacity, config.workers,
    (job) => context.with(job.context, () => runPipeline(job.task, deps)).finally(job.done),
    (depth) => agent.setQueueSize('tasks', depth))
  agent.setQueueSize('tasks', 0)

  app.health.addCheck({ name: 'queue', check: queueDepthCheck({ depth: () => queue.depth, warnAt: 100, failAt: config.queueCapacity }) })
  app.health.addCheck({ name: 'cache', check: () => ({ status: 'pass', details: { entries: answers.size } }) })
  app.health.addCheck({ name: 'llm', check: pingCheck((signal) => model.ping(signal)), critical: false, refreshIntervalMs: 10_000 })

  registerTaskRoutes(app, {
    store,
    models: SIMULATED_MODEL_NAMES,
    defaultModel: config.defaultModel,
    waitTimeoutMs: config.waitTimeoutMs,
    submit (task) {
      let done!: () => void
      const finished = new Promise<void>((resolve) => { done = resolve })
      return { accepted: queue.push({ task, context: context.active(), done }), finished }
    }
  })
  // Closing waits for the tasks being worked on; those still queued after the wait timeout fail.
  app.addHook('preClose', async () => {
    await queue.close(config.waitTimeoutMs, (job) => {
      job.task.status = 'failed'
      job.task.error = { code: 'SHUTDOWN', message: 'the service shut down before the task ran' }
      job.task.finishedAt = new Date().toISOString()
      job.done()
    })
  })
  return app
}

function notifiers (config: AgentConfig): Record<string, NotifierConfig> {
  const out: Record<string, NotifierConfig> = {}
  if (config.alertmanagerUrl !== undefined) out.alertmanager = { type: 'alertmanager', url: config.alertmanagerUrl }
  if (config.alertWebhookUrl !== undefined) out.webhook = { type: 'webhook', url: config.alertWebhookUrl }
  return out
}
