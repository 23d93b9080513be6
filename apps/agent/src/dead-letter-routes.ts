import type { FastifyInstance } from 'fastify'
import type { DeadLetterQueue } from './dead-letters.js'
import type { Task } from './task.js'

export interface DeadLetterRouteDeps {
  deadLetters: DeadLetterQueue
  /** Queues a task again; false when the queue is full. */
  requeue (task: Task): boolean
}

const notFound = (id: string) => ({ code: 'DEAD_LETTER_NOT_FOUND', message: `no task ${id} in the dead-letter queue` })

/**
 * GET /dead-letters lists the tasks that failed every retry, newest first; POST
 * /dead-letters/:id/retry queues one again (it leaves the dead-letter queue; it comes back if it
 * fails again); DELETE /dead-letters/:id discards one.
 */
export function registerDeadLetterRoutes (app: FastifyInstance, deps: DeadLetterRouteDeps): void {
  app.get<{ Querystring: { limit?: number } }>('/dead-letters', {
    schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } } }
  }, async (request) => ({ size: deps.deadLetters.size, tasks: deps.deadLetters.list(request.query.limit ?? 50) }))

  app.post<{ Params: { id: string } }>('/dead-letters/:id/retry', async (request, reply) => {
    const task = deps.deadLetters.take(request.params.id)
    if (task === undefined) return reply.code(404).send(notFound(request.params.id))
    const failed = { ...task }
    retryable(task, request.traceId)
    if (!deps.requeue(task)) {
      // Back as it was: the queue did not take it.
      for (const key of Object.keys(task)) delete (task as Partial<Task>)[key as keyof Task]
      deps.deadLetters.add(Object.assign(task, failed))
      return reply.code(503).header('retry-after', '5').send({ code: 'QUEUE_FULL', message: 'the task queue is full, retry later' })
    }
    return reply.code(202).header('location', `/tasks/${task.id}`).send({ task })
  })

  app.delete<{ Params: { id: string } }>('/dead-letters/:id', async (request, reply) => {
    const task = deps.deadLetters.take(request.params.id)
    if (task === undefined) return reply.code(404).send(notFound(request.params.id))
    return reply.code(204).send()
  })
}

/** Back to queued, with what the failed run left cleared and the trace of the retry. */
function retryable (task: Task, traceId: string | undefined): void {
  task.status = 'queued'
  for (const key of ['error', 'answer', 'score', 'sources', 'tools', 'cached', 'startedAt', 'finishedAt', 'traceId'] as const) delete task[key]
  if (traceId !== undefined) task.traceId = traceId
}
