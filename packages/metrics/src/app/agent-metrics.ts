import { errorType } from '@obs/core'
import type { AppMetrics } from './app-metrics.js'
import { GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_BUCKETS, SCORE_BUCKETS, DEFAULT_DURATION_BUCKETS } from '../buckets.js'
import { finishWhenSettled } from './settle.js'
import type { TokenUsage } from './timed.js'

/** One call to a model, in the terms of the OpenTelemetry GenAI semantic conventions. */
export interface LlmCall {
  /** `gen_ai.request.model`, e.g. `gpt-4o-mini`. */
  model: string
  /** `gen_ai.provider.name`, e.g. `openai`, `anthropic`; `unknown` when left out. */
  provider?: string
  /** `gen_ai.operation.name`: `chat` (default), `text_completion`, `embeddings`, … */
  operation?: string
  durationSeconds: number
  inputTokens?: number
  outputTokens?: number
  costUsd?: number
  /** Set when the call failed; its code or name becomes `error_type`. */
  error?: unknown
}

export interface ToolCall {
  /** `gen_ai.tool.name`. */
  tool: string
  durationSeconds: number
  error?: unknown
}

/** Ends a task that `taskStarted()` began, with its final status (`completed`, `failed`, …). */
export type EndTask = (status: string) => void

/**
 * Metrics of an AI-agent service: model calls, tokens, cost, tools, cache, queues and tasks.
 * Names and labels follow the OpenTelemetry GenAI semantic conventions where they exist
 * (`gen_ai.client.token.usage` → `gen_ai_client_token_usage`), in Prometheus naming.
 */
export class AgentMetrics {
  private readonly llmDuration
  private readonly tokenUsage
  private readonly llmCalls
  private readonly llmErrors
  private readonly llmCost
  private readonly toolDuration
  private readonly toolCalls
  private readonly toolErrors
  private readonly toolsActive
  private readonly cacheRequests
  private readonly cacheEvictions
  private readonly queueSize
  private readonly tasks
  private readonly tasksInProgress
  private readonly taskDuration
  private readonly qualityScore

  constructor (metrics: AppMetrics) {
    const model = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'] as const
    this.llmDuration = metrics.histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'Duration of GenAI operations (model calls) in seconds.',
      labelNames: model,
      buckets: [...GEN_AI_DURATION_BUCKETS]
    })
    this.tokenUsage = metrics.histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens used per GenAI operation, by token type (input or output); _sum is the total.',
      labelNames: [...model, 'gen_ai_token_type'] as const,
      buckets: [...GEN_AI_TOKEN_BUCKETS]
    })
    this.llmCalls = metrics.counter({
      name: 'gen_ai_client_calls_total',
      help: 'GenAI operations (model calls), by outcome (success or error).',
      labelNames: [...model, 'outcome'] as const
    })
    this.llmErrors = metrics.counter({
      name: 'gen_ai_client_errors_total',
      help: 'Failed GenAI operations, by error type.',
      labelNames: ['gen_ai_provider_name', 'gen_ai_request_model', 'error_type'] as const
    })
    this.llmCost = metrics.counter({
      name: 'gen_ai_client_cost_usd_total',
      help: 'Cost of GenAI operations in US dollars.',
      labelNames: ['gen_ai_provider_name', 'gen_ai_request_model'] as const
    })
    this.toolDuration = metrics.histogram({
      name: 'gen_ai_tool_duration_seconds',
      help: 'Duration of tool executions in seconds.',
      labelNames: ['gen_ai_tool_name'] as const,
      buckets: [...DEFAULT_DURATION_BUCKETS]
    })
    this.toolCalls = metrics.counter({
      name: 'gen_ai_tool_calls_total',
      help: 'Tool executions, by outcome (success or error).',
      labelNames: ['gen_ai_tool_name', 'outcome'] as const
    })
    this.toolErrors = metrics.counter({
      name: 'gen_ai_tool_errors_total',
      help: 'Failed tool executions, by error type.',
      labelNames: ['gen_ai_tool_name', 'error_type'] as const
    })
    this.toolsActive = metrics.gauge({
      name: 'gen_ai_tool_calls_active',
      help: 'Tool executions running now.',
      labelNames: ['gen_ai_tool_name'] as const
    })
    this.cacheRequests = metrics.counter({
      name: 'agent_cache_requests_total',
      help: 'Cache lookups, by cache and result (hit or miss).',
      labelNames: ['cache', 'result'] as const
    })
    this.cacheEvictions = metrics.counter({
      name: 'agent_cache_evictions_total',
      help: 'Entries evicted from a cache.',
      labelNames: ['cache'] as const
    })
    this.queueSize = metrics.gauge({
      name: 'agent_queue_size',
      help: 'Items waiting in a queue.',
      labelNames: ['queue'] as const
    })
    this.tasks = metrics.counter({
      name: 'agent_tasks_total',
      help: 'Agent tasks finished, by final status.',
      labelNames: ['status'] as const
    })
    this.tasksInProgress = metrics.gauge({
      name: 'agent_tasks_in_progress',
      help: 'Agent tasks being worked on now.'
    })
    this.taskDuration = metrics.histogram({
      name: 'agent_task_duration_seconds',
      help: 'Duration of agent tasks in seconds, by final status.',
      labelNames: ['status'] as const,
      buckets: [...DEFAULT_DURATION_BUCKETS]
    })
    this.qualityScore = metrics.histogram({
      name: 'agent_quality_score',
      help: 'Quality scores given to answers (0 to 1), e.g. by a critic.',
      buckets: [...SCORE_BUCKETS]
    })
  }

  /** Records one model call: duration, outcome, tokens, cost and error type. */
  recordLlmCall (call: LlmCall): void {
    const labels = modelLabels(call)
    this.llmDuration.observe(labels, call.durationSeconds)
    const failed = call.error !== undefined
    this.llmCalls.inc({ ...labels, outcome: failed ? 'error' : 'success' })
    if (failed) {
      this.llmErrors.inc({
        gen_ai_provider_name: labels.gen_ai_provider_name,
        gen_ai_request_model: labels.gen_ai_request_model,
        error_type: errorType(call.error)
      })
    }
    this.recordTokens(call)
  }

  /** Records token usage and cost without a call (the timing wrapper's `tokens` option uses it). */
  recordTokens (usage: TokenUsage): void {
    const labels = modelLabels(usage)
    if (isCount(usage.inputTokens)) this.tokenUsage.observe({ ...labels, gen_ai_token_type: 'input' }, usage.inputTokens)
    if (isCount(usage.outputTokens)) this.tokenUsage.observe({ ...labels, gen_ai_token_type: 'output' }, usage.outputTokens)
    if (isCount(usage.costUsd) && usage.costUsd > 0) {
      this.llmCost.inc({ gen_ai_provider_name: labels.gen_ai_provider_name, gen_ai_request_model: labels.gen_ai_request_model }, usage.costUsd)
    }
  }

  /** Records one tool execution that was timed elsewhere. */
  recordToolCall (call: ToolCall): void {
    const tool = { gen_ai_tool_name: call.tool }
    this.toolDuration.observe(tool, call.durationSeconds)
    const failed = call.error !== undefined
    this.toolCalls.inc({ ...tool, outcome: failed ? 'error' : 'success' })
    if (failed) this.toolErrors.inc({ ...tool, error_type: errorType(call.error) })
  }

  /**
   * Wraps a tool function so that every call is timed and counted, with the active gauge held
   * while it runs. Works for sync and async functions; errors are recorded and rethrown.
   */
  wrapTool<A extends unknown[], R> (tool: string, fn: (...args: A) => R): (...args: A) => R {
    const active = this.toolsActive.labels({ gen_ai_tool_name: tool })
    const metrics = this
    return function (this: unknown, ...args: A): R {
      const started = performance.now()
      active.inc()
      return finishWhenSettled(() => fn.apply(this, args), (error) => {
        active.dec()
        metrics.recordToolCall({ tool, durationSeconds: (performance.now() - started) / 1000, error })
      })
    }
  }

  cacheHit (cache = 'default'): void {
    this.cacheRequests.inc({ cache, result: 'hit' })
  }

  cacheMiss (cache = 'default'): void {
    this.cacheRequests.inc({ cache, result: 'miss' })
  }

  cacheEviction (cache = 'default', count = 1): void {
    this.cacheEvictions.inc({ cache }, count)
  }

  setQueueSize (queue: string, size: number): void {
    this.queueSize.set({ queue }, size)
  }

  /** Starts a task: it is in progress until the returned function is called with its status. */
  taskStarted (): EndTask {
    const started = performance.now()
    this.tasksInProgress.inc()
    let ended = false
    return (status: string) => {
      if (ended) return
      ended = true
      this.tasksInProgress.dec()
      this.recordTask(status, (performance.now() - started) / 1000)
    }
  }

  /** Records a finished task that was timed elsewhere. */
  recordTask (status: string, durationSeconds: number): void {
    this.tasks.inc({ status })
    this.taskDuration.observe({ status }, durationSeconds)
  }

  recordQualityScore (score: number): void {
    if (Number.isFinite(score)) this.qualityScore.observe(score)
  }
}

function modelLabels (usage: { model: string, provider?: string | undefined, operation?: string | undefined }): {
  gen_ai_operation_name: string, gen_ai_provider_name: string, gen_ai_request_model: string
} {
  return {
    gen_ai_operation_name: usage.operation ?? 'chat',
    gen_ai_provider_name: usage.provider ?? 'unknown',
    gen_ai_request_model: usage.model
  }
}

function isCount (value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
