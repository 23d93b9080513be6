import type { AgentMetrics } from '@obs/metrics'
import type { WithSpan } from '@obs/tracing'
import type { FastifyBaseLogger } from 'fastify'
import type { LruCache } from './cache.js'
import { critique } from './critic.js'
import type { KnowledgeBase, Note } from './knowledge-base.js'
import { type CompletionResult, type LlmProvider, ProviderError } from './llm/provider.js'
import type { Task } from './task.js'
import type { Tool } from './tools.js'

export interface PipelineDeps {
  provider: LlmProvider
  knowledgeBase: KnowledgeBase
  /** Answers by model and normalised question: repeated questions skip the model. */
  answers: LruCache<CompletionResult>
  agent: AgentMetrics
  /** Tools by name, already measured (`agent.wrapTool`). */
  tools: Readonly<Record<string, Tool>>
  withSpan: WithSpan
  log: FastifyBaseLogger
  /** How long one model call may take before it is abandoned. */
  llmTimeoutMs: number
}

const SYSTEM = 'You are an assistant for people who run services. Answer from the context; ask for tools when needed.'

/** Refused before any work: the task ends as `rejected`. */
export class TaskRejectedError extends Error {
  readonly code = 'TASK_REJECTED'
}

/**
 * One agent task: validate, search the notes, ask the model (or the cache), run the tools it
 * asks for, and have the critic score the answer. Every step is a span, every model and tool
 * call is measured, and the task ends completed, failed or rejected — it never throws.
 */
export async function runPipeline (task: Task, deps: PipelineDeps): Promise<void> {
  const { agent, withSpan } = deps
  const endTask = agent.taskStarted()
  task.status = 'running'
  task.startedAt = new Date().toISOString()
  try {
    await withSpan('agent.task', { 'agent.task.id': task.id, 'gen_ai.request.model': task.model }, async () => {
      withSpan('agent.validate', () => validate(task.query))
      const notes = withSpan('agent.search', (span) => {
        const found = deps.knowledgeBase.search(task.query)
        span.setAttribute('agent.search.results', found.length)
        return found
      })
      task.sources = notes.map((note) => note.id)
      const completion = await withSpan('agent.llm', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': task.model }, (span) =>
        cachedCompletion(task, notes, deps).then((result) => {
          span.setAttribute('agent.cache.hit', task.cached === true)
          span.setAttribute('gen_ai.usage.input_tokens', result.usage.inputTokens)
          span.setAttribute('gen_ai.usage.output_tokens', result.usage.outputTokens)
          return result
        }))
      task.answer = completion.text
      const { ok, failed } = await runTools(task, completion, deps)
      task.score = withSpan('agent.critic', (span) => {
        const score = critique(completion.text, notes.length, ok, failed)
        span.setAttribute('agent.quality.score', score)
        return score
      })
      agent.recordQualityScore(task.score)
    })
    task.status = 'completed'
  } catch (error) {
    task.status = error instanceof TaskRejectedError ? 'rejected' : 'failed'
    task.error = {
      code: (error as { code?: string }).code ?? 'INTERNAL',
      message: error instanceof Error ? error.message : String(error)
    }
    deps.log.warn({ taskId: task.id, err: error }, `task ${task.status}`)
  } finally {
    task.finishedAt = new Date().toISOString()
    endTask(task.status)
  }
}

function validate (query: string): void {
  const trimmed = query.trim()
  if (trimmed.length < 3) throw new TaskRejectedError('the question is too short')
  if (/\b(?:password|api[_ -]?key|secret)\s*[:=]/i.test(trimmed)) throw new TaskRejectedError('the question contains a credential; it was not sent to the model')
}

async function cachedCompletion (task: Task, notes: Note[], deps: PipelineDeps): Promise<CompletionResult> {
  const key = `${task.model}\u0000${task.query.trim().toLowerCase().replace(/\s+/g, ' ')}`
  const cached = deps.answers.get(key)
  task.cached = cached !== undefined
  if (cached !== undefined) return cached
  const prompt = `Context:\n${notes.map((note) => `- ${note.title}: ${note.text}`).join('\n')}\n\nQuestion: ${task.query}`
  const result = await completeWithRetry(task.model, prompt, deps)
  deps.answers.set(key, result)
  return result
}

/** One retry for a retryable provider error (a rate limit, a timeout), as clients usually do. */
async function completeWithRetry (model: string, prompt: string, deps: PipelineDeps): Promise<CompletionResult> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now()
    const signal = AbortSignal.timeout(deps.llmTimeoutMs)
    try {
      const result = await deps.provider.complete({ model, operation: 'chat', system: SYSTEM, prompt }, signal)
      deps.agent.recordLlmCall({
        model: result.model,
        provider: deps.provider.name,
        durationSeconds: (performance.now() - started) / 1000,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        costUsd: result.costUsd
      })
      return result
    } catch (thrown) {
      // What an abandoned call throws depends on the provider (an AbortError, a TimeoutError…):
      // the signal says what happened.
      const error = signal.aborted ? new ProviderError('UPSTREAM_TIMEOUT', `the model did not answer within ${deps.llmTimeoutMs} ms`, true) : thrown
      deps.agent.recordLlmCall({ model, provider: deps.provider.name, durationSeconds: (performance.now() - started) / 1000, error })
      if (attempt >= 2 || !(error instanceof ProviderError && error.retryable)) throw error
    }
  }
}

async function runTools (task: Task, completion: CompletionResult, deps: PipelineDeps): Promise<{ ok: number, failed: number }> {
  let ok = 0
  let failed = 0
  task.tools = []
  for (const call of completion.toolCalls) {
    const tool = deps.tools[call.tool]
    if (tool === undefined) continue
    try {
      const output = await deps.withSpan('agent.tool', { 'gen_ai.tool.name': call.tool }, () => tool(call.input))
      task.tools.push({ ...call, output })
      ok++
    } catch (error) {
      task.tools.push({ ...call, output: `error: ${(error as Error).message}` })
      failed++
    }
  }
  return { ok, failed }
}
