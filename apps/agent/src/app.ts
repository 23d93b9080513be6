import type { NotifierConfig } from '@obs/alerts'
import { LogStore, logTee } from '@obs/console'
import { pingCheck } from '@obs/health'
import setup from '@obs/setup'
import { loggerOptions } from '@obs/tracing'
import { context } from '@opentelemetry/api'
import Fastify, { type FastifyInstance } from 'fastify'
import { type AlertLimits, agentRules } from './alert-rules.js'
import { LruCache } from './cache.js'
import type { AgentConfig } from './config.js'
import { registerDeadLetterRoutes } from './dead-letter-routes.js'
import { DeadLetterQueue } from './dead-letters.js'
import { KnowledgeBase } from './knowledge-base.js'
import type { CompletionResult, LlmProvider } from './llm/provider.js'
import { SIMULATED_MODELS, SimulatedProvider } from './llm/simulated-provider.js'
import { runPipeline } from './pipeline.js'
import { taskQueueCheck } from './queue-check.js'
import { registerTaskRoutes } from './routes.js'
import { ServiceMetrics } from './service-metrics.js'
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
  /** The in-process alert engine's clock (then it evaluates only when asked) and rule limits: for tests. */
  alerting?: { now?: () => number, limits?: Partial<AlertLimits> }
}

const SIMULATED_MODEL_NAMES = Object.keys(SIMULATED_MODELS)

/** Queued work: the task and the trace context of the request that submitted it. */
interface Job {
  task: Task
  context: ReturnType<typeof context.active>
  done: () => void
}

/** The agent service: the @obs plugins (through @obs/setup), the pipeline behind a queue, and the task routes. */
export async function buildAgentApp ({ config, provider, logger, handleSignals = true, alerting = {} }: AgentAppOptions): Promise<FastifyInstance> {
  // The preset logger writes to stdout and into the console's log store.
  const logs = logger === undefined ? new LogStore(2000) : undefined
  const app = Fastify({
    logger: logs === undefined ? logger : { ...loggerOptions({ serviceName: config.serviceName, environment: config.environment }), stream: logTee(logs) }
  })

  // Everything @obs has, in one call; each part's options go through to it.
  await app.register(setup, {
    serviceName: config.serviceName,
    environment: config.environment,
    // Native buckets on the duration histograms: Prometheus scrapes them as native histograms
    // (see deploy/), and the latency rules and dashboards read them as such.
    metrics: { diskPaths: config.diskPaths, nativeHistograms: true },
    tracing: { traceIdHeader: 'x-trace-id' },
    // Started here unless one runs (tests start their own): HTTP server instrumentation would
    // start a second span for what the plugin already traces (about 20 µs a request); outbound
    // calls keep theirs. Spans go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nowhere.
    tracingSdk: { instrumentations: { httpServer: false } },
    // The shutdown budget: the drain, then the longest request (a waiting POST), then a margin.
    health: {
      shutdown: {
        signals: handleSignals ? ['SIGTERM', 'SIGINT'] : false,
        drainDelayMs: config.drainDelayMs,
        timeoutMs: config.drainDelayMs + config.waitTimeoutMs + 5000
      }
    },
    alerts: {
      rules: agentRules({ window: config.alertWindow, for: config.alertFor, service: config.serviceName, ...(alerting.limits === undefined ? {} : { limits: alerting.limits }) }),
      ...(alerting.now === undefined ? { interval: config.alertInterval } : { interval: false, now: alerting.now }),
      notifiers: notifiers(config),
      externalUrl: config.publicUrl
    },
    // The live page reads the logs the preset logger writes into the store.
    console: logs === undefined ? {} : { logs }
  })
  // The live page under /obs/ (off when NODE_ENV=production), and / leads to it.
  if (app.obsSetup.registered.includes('console') && app.obsConsole.enabled) {
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
  const service = new ServiceMetrics(app.metrics, { cacheEntries: () => ({ answers: answers.size }) })
  const tools = Object.fromEntries(Object.entries(TOOLS).map(([name, tool]) => [name, agent.wrapTool(name, tool, { agent: 'answerer' })]))
  const deps = {
    provider: model,
    knowledgeBase: new KnowledgeBase(),
    answers,
    agent,
    service,
    tools,
    criticModel: config.criticModel,
    withSpan: app.tracing.withSpan,
    log: app.log,
    llmTimeoutMs: config.llmTimeoutMs
  }
  const store = new TaskStore(10_000)
  const deadLetters = new DeadLetterQueue(config.deadLetterCapacity, (size) => agent.setQueueSize('dead-letter', size))
  // Workers run each task in the trace context of the request that submitted it, so the
  // pipeline's spans are children of that request's server span. A task that failed every
  // retry goes to the dead-letter queue.
  const queue = new TaskQueue<Job>(config.queueCapacity, config.workers,
    (job) => context.with(job.context, () => runPipeline(job.task, deps)).then(() => {
      if (job.task.status !== 'failed') return
      deadLetters.add(job.task)
      service.taskDeadLettered(job.task.error?.code ?? 'INTERNAL')
    }).finally(job.done),
    (depth) => agent.setQueueSize('tasks', depth))
  agent.setQueueSize('tasks', 0)
  const submit = (task: Task): { accepted: boolean, finished: Promise<void> } => {
    let done!: () => void
    const finished = new Promise<void>((resolve) => { done = resolve })
    return { accepted: queue.push({ task, context: context.active(), done }), finished }
  }

  app.health.addCheck({
    name: 'queue',
    check: taskQueueCheck({ depth: () => queue.depth, warnAt: 100, failAt: config.queueCapacity, deadLetters: () => deadLetters.size, deadLetterWarnAt: config.deadLetterWarnAt })
  })
  app.health.addCheck({ name: 'cache', check: () => ({ status: 'pass', details: { entries: answers.size } }) })
  app.health.addCheck({ name: 'llm', check: pingCheck((signal) => model.ping(signal)), critical: false, refreshIntervalMs: 10_000 })

  registerTaskRoutes(app, { store, models: SIMULATED_MODEL_NAMES, defaultModel: config.defaultModel, waitTimeoutMs: config.waitTimeoutMs, submit })
  registerDeadLetterRoutes(app, { deadLetters, requeue: (task) => submit(task).accepted })
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
