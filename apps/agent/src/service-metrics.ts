import type { AppMetrics } from '@obs/metrics'
import type { TaskType } from './task-type.js'

/** Where the metrics read values that are computed at scrape time. */
export interface ServiceMetricSources {
  /** Entries in each cache, by cache name. */
  cacheEntries: () => Readonly<Record<string, number>>
}

/**
 * The demo's own metrics, beside the agent metrics of @obs/metrics: the labels those do not have
 * (which agent made a model call, what type of task took how long), the size of the caches, and
 * the tasks given up on.
 */
export class ServiceMetrics {
  private readonly agentCalls
  private readonly taskDuration
  private readonly deadLettered

  constructor (metrics: AppMetrics, sources: ServiceMetricSources) {
    this.agentCalls = metrics.counter({
      name: 'agent_llm_calls_by_agent_total',
      help: 'Model calls by the agent that made them, and outcome (success or error).',
      labelNames: ['agent', 'gen_ai_request_model', 'outcome'] as const
    })
    this.taskDuration = metrics.histogram({
      name: 'agent_task_duration_by_type_seconds',
      help: 'Duration of agent tasks in seconds, by task type and final status.',
      labelNames: ['task_type', 'status'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120]
    })
    this.deadLettered = metrics.counter({
      name: 'agent_tasks_dead_lettered_total',
      help: 'Tasks that failed every retry and went to the dead-letter queue, by error type.',
      labelNames: ['error_type'] as const
    })
    metrics.gauge({
      name: 'agent_cache_entries',
      help: 'Entries held in a cache now.',
      labelNames: ['cache'] as const,
      collect () {
        for (const [cache, entries] of Object.entries(sources.cacheEntries())) this.set({ cache }, entries)
      }
    })
  }

  llmCall (agent: string, model: string, outcome: 'success' | 'error'): void {
    this.agentCalls.inc({ agent, gen_ai_request_model: model, outcome })
  }

  taskFinished (type: TaskType, status: string, durationSeconds: number): void {
    this.taskDuration.observe({ task_type: type, status }, durationSeconds)
  }

  taskDeadLettered (errorType: string): void {
    this.deadLettered.inc({ error_type: errorType })
  }
}
