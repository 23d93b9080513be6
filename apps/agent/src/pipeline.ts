import { withAgentSpan, withToolSpan, type WithSpan } from '@obs/tracing'
import type { Span } from '@opentelemetry/api'
import type { FastifyBaseLogger } from 'fastify'
import type { LruCache } from './cache.js'
import { CRITIC_SYSTEM, criticPrompt, parseScore } from './critic.js'
import type { KnowledgeBase, Note } from './knowledge-base.js'
import type { CompletionResult } from './llm/provider.js'
import { callModel, type ModelCallDeps } from './model-call.js'
import type { Task } from './task.js'
import { taskType } from './task-type.js'
import type { Tool } from './tools.js'

export interface PipelineDeps extends ModelCallDeps {
  knowledgeBase: KnowledgeBase
  /** Answers by model and normalised question: repeated questions skip the model. */
  answers: LruCache<CompletionResult>
  /** Tools by name, already measured (`agent.wrapTool`); each call gets its `execute_tool` span here. */
  tools: Readonly<Record<string, Tool>>
  /** The model the critic agent scores answers with. */
  criticModel: string
  withSpan: WithSpan
  log: FastifyBaseLogger
}

const SYSTEM = 'You are an assistant for people who run services. Answer from the context; ask for tools when needed.'

/** Refused before any work: the task ends as `rejected`. */
export class TaskRejectedError extends Error {
  readonly code = 'TASK_REJECTED'
}

/**
 * One agent task, as the coordinator runs it: validate, search the notes, have the answerer
 * agent ask the model (or the cache), run the tools it asks for, and have the critic agent
 * score the answer. Every step is a span, every model and tool call is measured, and the task
 * ends completed, failed or rejected — it never throws. A critic that fails leaves the answer
 * unscored; it does not fail the task.
 */
export async function runPipeline (task: Task, deps: PipelineDeps): Promise<void> {
  const { agent, withSpan } = deps
  const endTask = agent.taskStarted()
  const started = performance.now()
  const type = task.type = taskType(task.query)
  task.status = 'running'
  task.startedAt = new Date().toISOString()
  try {
    await withSpan('agent.task', { 'agent.task.id': task.id, 'agent.task.type': type, 'gen_ai.request.model': task.model }, async () => {
      withSpan('agent.validate', () => validate(task.query))
      const notes = withSpan('agent.search', (span) => {
        const found = deps.knowledgeBase.search(task.query)
        span.setAttribute('agent.search.results', found.length)
        return found
      })
      task.sources = notes.map((note) => note.id)
      // The answerer agent: the model (or the cache), then the tools the model asked for.
      const { completion, tools } = await invokeAgent('answerer', task.model, deps, async (span) => {
        const result = await cachedCompletion(task, notes, deps)
        span.setAttribute('agent.cache.hit', task.cached === true)
        return { completion: result, tools: await runTools(task, result, deps) }
      })
      task.answer = completion.text
      try {
        task.score = await invokeAgent('critic', deps.criticModel, deps, async (span) => {
          const score = await scoreAnswer(task, notes.length, tools, deps)
          span.setAttribute('agent.quality.score', score)
          return score
        })
        agent.recordQualityScore(task.score)
      } catch (error) {
        deps.log.warn({ taskId: task.id, err: error }, 'the critic failed; the answer stays unscored')
      }
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
    deps.service.taskFinished(type, task.status, (performance.now() - started) / 1000)
  }
}

/**
 * One invocation of an in-process agent: an `invoke_agent {agent}` span (INTERNAL, as the GenAI
 * conventions say for agents that run in the process) and `gen_ai.invoke_agent.duration`.
 */
function invokeAgent<R> (agent: string, model: string, deps: PipelineDeps, fn: (span: Span) => Promise<R>): Promise<R> {
  return withAgentSpan({ agent, provider: deps.provider.name, model }, deps.agent.wrapAgent(agent, fn, { model }))
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
  const result = await callModel('answerer', { model: task.model, operation: 'chat', system: SYSTEM, prompt }, deps)
  deps.answers.set(key, result)
  return result
}

async function runTools (task: Task, completion: CompletionResult, deps: PipelineDeps): Promise<{ ok: number, failed: number }> {
  let ok = 0
  let failed = 0
  task.tools = []
  for (const call of completion.toolCalls) {
    const tool = deps.tools[call.tool]
    if (tool === undefined) continue
    try {
      const output = await withToolSpan({ tool: call.tool, type: 'function' }, () => tool(call.input))
      task.tools.push({ ...call, output })
      ok++
    } catch (error) {
      task.tools.push({ ...call, output: `error: ${(error as Error).message}` })
      failed++
    }
  }
  return { ok, failed }
}

/** The critic agent's score of this task's answer, tools included (so it is not cached). */
async function scoreAnswer (task: Task, sources: number, tools: { ok: number, failed: number }, deps: PipelineDeps): Promise<number> {
  const prompt = criticPrompt({ question: task.query, answer: task.answer ?? '', sources, toolsOk: tools.ok, toolsFailed: tools.failed })
  const result = await callModel('critic', { model: deps.criticModel, operation: 'chat', system: CRITIC_SYSTEM, prompt }, deps)
  return parseScore(result.text)
}
