import { errorType } from '@obs/core'
import type { NativeHistogramSetting } from '../native/options.js'
import type { AppMetrics } from './app-metrics.js'
import {
  DEFAULT_DURATION_BUCKETS, GEN_AI_AGENT_DURATION_BUCKETS, GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_BUCKETS, GEN_AI_TOOL_DURATION_BUCKETS,
  SCORE_BUCKETS
} from '../buckets.js'
import { InvalidOptionError } from '../errors.js'
import { assertRecord, duration, isCount, optionalName, requiredName } from './agent-input.js'
import { finishWhenSettled } from './settle.js'
import type { TokenUsage } from './timed.js'

/** One call to a model, in the terms of the OpenTelemetry GenAI semantic conventions. */
export interface LlmCall extends TokenUsage {
  durationSeconds: number
  /** Set when the call failed; its code or name becomes `error_type`. */
  error?: unknown
}

export interface ToolCall {
  /** `gen_ai.tool.name`. */
  tool: string
  /** `gen_ai.agent.name` of the agent that ran the tool, when there is one. */
  agent?: string
  durationSeconds: number
  error?: unknown
}

/** One invocation of an agent (`gen_ai.invoke_agent.duration`). */
export interface AgentInvocation {
  /** `gen_ai.agent.name`. */
  agent: string
  /** `gen_ai.request.model`, only for an agent that uses one model. */
  model?: string
  durationSeconds: number
  error?: unknown
}

export interface WrapToolOptions {
  /** `gen_ai.agent.name` of the agent that runs the tool. */
  agent?: string
}

export interface WrapAgentOptions {
  /** `gen_ai.request.model`, only for an agent that uses one model. */
  model?: string
}

/** Ends a task that `taskStarted()` began, with its final status (`completed`, `failed`, …). */
export type EndTask = (status: string) => void

/** `gen_ai_token_type` values, with the field of `TokenUsage` each one reads. */
const TOKEN_TYPES = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  // Custom values, as the conventions allow: subsets of input and output, so `_sum` over
  // input and output alone is the total.
  ['cache_read', 'cacheReadTokens'],
  ['cache_creation', 'cacheCreationTokens'],
  ['reasoning', 'reasoningTokens']
] as const

const MODEL_LABELS = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model'] as const

/**
 * Metrics of an AI-agent service: model calls, tokens, cost, tools, agents, cache, queues and
 * tasks. What the OpenTelemetry GenAI semantic conventions define is named and labelled as they
 * say, in Prometheus naming (`gen_ai.client.token.usage` → `gen_ai_client_token_usage`,
 * `gen_ai.execute_tool.duration` → `gen_ai_execute_tool_duration_seconds`), with their buckets.
 * What they do not define lives under `agent_`, so that a future convention never collides.
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
  private readonly agentDuration
  private readonly cacheRequests
  private readonly cacheEvictions
  private readonly queueSize
  private readonly tasks
  private readonly tasksInProgress
  private readonly taskDuration
  private readonly qualityScore

  /** `native`: native buckets beside the classic ones on the duration histograms (the plugin's `nativeHistograms`). */
  constructor (metrics: AppMetrics, native: NativeHistogramSetting = false) {
    this.llmDuration = metrics.histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'GenAI operation duration (gen_ai.client.operation.duration) in seconds; error_type on failures.',
      labelNames: [...MODEL_LABELS, 'error_type'] as const,
      buckets: [...GEN_AI_DURATION_BUCKETS],
      native
    })
    this.tokenUsage = metrics.histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens used per GenAI operation (gen_ai.client.token.usage) by token type; cache_read, cache_creation and reasoning are parts of input and output.',
      labelNames: [...MODEL_LABELS, 'gen_ai_token_type'] as const,
      buckets: [...GEN_AI_TOKEN_BUCKETS]
    })
    this.llmCalls = metrics.counter({
      name: 'agent_llm_calls_total',
      help: 'GenAI operations (model calls), by outcome (success or error).',
      labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'outcome'] as const
    })
    this.llmErrors = metrics.counter({
      name: 'agent_llm_errors_total',
      help: 'Failed GenAI operations, by error type.',
      labelNames: ['gen_ai_provider_name', 'gen_ai_request_model', 'error_type'] as const
    })
    this.llmCost = metrics.counter({
      name: 'agent_llm_cost_usd_total',
      help: 'Cost of GenAI operations in US dollars.',
      labelNames: ['gen_ai_provider_name', 'gen_ai_request_model'] as const
    })
    this.toolDuration = metrics.histogram({
      name: 'gen_ai_execute_tool_duration_seconds',
      help: 'Duration of tool executions (gen_ai.execute_tool.duration) in seconds; error_type on failures.',
      labelNames: ['gen_ai_tool_name', 'gen_ai_agent_name', 'error_type'] as const,
      buckets: [...GEN_AI_TOOL_DURATION_BUCKETS],
      native
    })
    this.toolCalls = metrics.counter({
      name: 'agent_tool_calls_total',
      help: 'Tool executions, by outcome (success or error).',
      labelNames: ['gen_ai_tool_name', 'outcome'] as const
    })
    this.toolErrors = metrics.counter({
      name: 'agent_tool_errors_total',
      help: 'Failed tool executions, by error type.',
      labelNames: ['gen_ai_tool_name', 'error_type'] as const
    })
    this.toolsActive = metrics.gauge({
      name: 'agent_tools_active',
      help: 'Tool executions running now.',
      labelNames: ['gen_ai_tool_name'] as const
    })
    this.agentDuration = metrics.histogram({
      name: 'gen_ai_invoke_agent_duration_seconds',
      help: 'Duration of agent invocations (gen_ai.invoke_agent.duration) in seconds; error_type on failures.',
      labelNames: ['gen_ai_agent_name', 'gen_ai_request_model', 'error_type'] as const,
      buckets: [...GEN_AI_AGENT_DURATION_BUCKETS],
      native
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
      buckets: [...DEFAULT_DURATION_BUCKETS],
      native
    })
    this.qualityScore = metrics.histogram({
      name: 'agent_quality_score',
      help: 'Quality scores given to answers (0 to 1), e.g. by a critic.',
      buckets: [...SCORE_BUCKETS]
    })
  }

  /** Records one model call: duration (with `error_type` when it failed), outcome, tokens and cost. */
  recordLlmCall (call: LlmCall): void {
    assertRecord(call, 'recordLlmCall')
    const labels = modelLabels(call, 'recordLlmCall')
    const seconds = duration(call.durationSeconds, 'recordLlmCall.durationSeconds')
    const failed = call.error !== undefined
    const type = failed ? errorType(call.error) : undefined
    this.llmDuration.observe({ ...labels, error_type: type }, seconds)
    this.llmCalls.inc({
      gen_ai_operation_name: labels.gen_ai_operation_name,
      gen_ai_provider_name: labels.gen_ai_provider_name,
      gen_ai_request_model: labels.gen_ai_request_model,
      outcome: failed ? 'error' : 'success'
    })
    if (type !== undefined) {
      this.llmErrors.inc({ gen_ai_provider_name: labels.gen_ai_provider_name, gen_ai_request_model: labels.gen_ai_request_model, error_type: type })
    }
    this.tokens(call, labels)
  }

  /** Records token usage and cost without a call (the timing wrapper's `tokens` option uses it). */
  recordTokens (usage: TokenUsage): void {
    assertRecord(usage, 'recordTokens')
    this.tokens(usage, modelLabels(usage, 'recordTokens'))
  }

  private tokens (usage: TokenUsage, labels: ModelLabels): void {
    for (const [type, field] of TOKEN_TYPES) {
      const count = usage[field]
      if (isCount(count)) this.tokenUsage.observe({ ...labels, gen_ai_token_type: type }, count)
    }
    if (isCount(usage.costUsd) && usage.costUsd > 0) {
      this.llmCost.inc({ gen_ai_provider_name: labels.gen_ai_provider_name, gen_ai_request_model: labels.gen_ai_request_model }, usage.costUsd)
    }
  }

  /** Records one tool execution that was timed elsewhere. */
  recordToolCall (call: ToolCall): void {
    assertRecord(call, 'recordToolCall')
    const tool = requiredName(call.tool, 'recordToolCall.tool')
    const agent = optionalName(call.agent, 'recordToolCall.agent')
    const seconds = duration(call.durationSeconds, 'recordToolCall.durationSeconds')
    const failed = call.error !== undefined
    const type = failed ? errorType(call.error) : undefined
    this.toolDuration.observe({ gen_ai_tool_name: tool, gen_ai_agent_name: agent, error_type: type }, seconds)
    this.toolCalls.inc({ gen_ai_tool_name: tool, outcome: failed ? 'error' : 'success' })
    if (type !== undefined) this.toolErrors.inc({ gen_ai_tool_name: tool, error_type: type })
  }

  /**
   * Wraps a tool function so that every call is timed and counted, with the active gauge held
   * while it runs. Works for sync and async functions; errors are recorded and rethrown.
   */
  wrapTool<A extends unknown[], R> (tool: string, fn: (...args: A) => R, options: WrapToolOptions = {}): (...args: A) => R {
    requiredName(tool, 'wrapTool.tool')
    if (typeof fn !== 'function') throw new InvalidOptionError('wrapTool.fn', 'expected a function')
    const agent = optionalName(options.agent, 'wrapTool.agent')
    const active = this.toolsActive.labels({ gen_ai_tool_name: tool })
    const metrics = this
    return function (this: unknown, ...args: A): R {
      const started = performance.now()
      active.inc()
      return finishWhenSettled(() => fn.apply(this, args), (error) => {
        active.dec()
        metrics.recordToolCall({ tool, agent, durationSeconds: (performance.now() - started) / 1000, error })
      })
    }
  }

  /** Records one agent invocation that was timed elsewhere. */
  recordAgentInvocation (invocation: AgentInvocation): void {
    assertRecord(invocation, 'recordAgentInvocation')
    this.agentDuration.observe({
      gen_ai_agent_name: requiredName(invocation.agent, 'recordAgentInvocation.agent'),
      gen_ai_request_model: optionalName(invocation.model, 'recordAgentInvocation.model'),
      error_type: invocation.error === undefined ? undefined : errorType(invocation.error)
    }, duration(invocation.durationSeconds, 'recordAgentInvocation.durationSeconds'))
  }

  /** Wraps an agent's entry point so that every invocation is timed, as `wrapTool` does for tools. */
  wrapAgent<A extends unknown[], R> (agent: string, fn: (...args: A) => R, options: WrapAgentOptions = {}): (...args: A) => R {
    requiredName(agent, 'wrapAgent.agent')
    if (typeof fn !== 'function') throw new InvalidOptionError('wrapAgent.fn', 'expected a function')
    const model = optionalName(options.model, 'wrapAgent.model')
    const metrics = this
    return function (this: unknown, ...args: A): R {
      const started = performance.now()
      return finishWhenSettled(() => fn.apply(this, args), (error) => {
        metrics.recordAgentInvocation({ agent, model, durationSeconds: (performance.now() - started) / 1000, error })
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

interface ModelLabels {
  gen_ai_operation_name: string
  gen_ai_provider_name: string
  gen_ai_request_model: string
  gen_ai_response_model: string | undefined
}

function modelLabels (usage: TokenUsage, where: string): ModelLabels {
  return {
    gen_ai_operation_name: optionalName(usage.operation, `${where}.operation`) ?? 'chat',
    gen_ai_provider_name: optionalName(usage.provider, `${where}.provider`) ?? 'unknown',
    gen_ai_request_model: requiredName(usage.model, `${where}.model`),
    gen_ai_response_model: optionalName(usage.responseModel, `${where}.responseModel`)
  }
}
