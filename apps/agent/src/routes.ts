import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Task, TaskStatus } from './task.js'
import type { TaskStore } from './task-store.js'

export interface TaskRouteDeps {
  store: TaskStore
  models: readonly string[]
  defaultModel: string
  waitTimeoutMs: number
  /** Queues a task; `finished` settles when the pipeline is done with it. */
  submit (task: Task): { accepted: boolean, finished: Promise<void> }
}

const STATUSES: readonly TaskStatus[] = ['queued', 'running', 'completed', 'failed', 'rejected']

/** The HTTP status that says how a finished task ended. */
const FINAL_CODE: Readonly<Record<TaskStatus, number>> = { queued: 202, running: 202, completed: 200, rejected: 422, failed: 502 }

/**
 * POST /tasks submits a question (with `?wait=true` it answers when the task is done),
 * GET /tasks/:id reads one, GET /tasks lists the newest.
 */
export function registerTaskRoutes (app: FastifyInstance, deps: TaskRouteDeps): void {
  app.post<{ Body: { query: string, model?: string }, Querystring: { wait?: boolean } }>('/tasks', {
    schema: {
      body: {
        type: 'object',
        required: ['query'],
        additionalProperties: false,
        properties: {
          query: { type: 'string', minLength: 1, maxLength: 2000 },
          model: { type: 'string', enum: [...deps.models] }
        }
      },
      querystring: { type: 'object', properties: { wait: { type: 'boolean' } } }
    }
  }, async (request, reply) => {
    const task: Task = {
      id: randomUUID(),
      query: request.body.query,
      model: request.body.model ?? deps.defaultModel,
      status: 'queued',
      createdAt: new Date().toISOString(),
      ...(request.traceId === undefined ? {} : { traceId: request.traceId })
    }
    deps.store.add(task)
    const { accepted, finished } = deps.submit(task)
    if (!accepted) {
      task.status = 'rejected'
      task.error = { code: 'QUEUE_FULL', message: 'the task queue is full, retry later' }
      return reply.code(503).header('retry-after', '5').send({ code: 'QUEUE_FULL', message: task.error.message, task })
    }
    reply.header('location', `/tasks/${task.id}`)
    if (request.query.wait === true) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([finished, new Promise((resolve) => { timer = setTimeout(resolve, deps.waitTimeoutMs) })])
      clearTimeout(timer)
    }
    return reply.code(FINAL_CODE[task.status]).send({ task })
  })

  app.get<{ Params: { id: string } }>('/tasks/:id', async (request, reply) => {
    const task = deps.store.get(request.params.id)
    if (task === undefined) return reply.code(404).send({ code: 'TASK_NOT_FOUND', message: `no task ${request.params.id}` })
    return { task }
  })

  app.get<{ Querystring: { status?: TaskStatus, limit?: number } }>('/tasks', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: [...STATUSES] },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }
        }
      }
    }
  }, async (request) => ({ tasks: deps.store.list(request.query.limit ?? 50, request.query.status) }))
}
