import type { TaskType } from './task-type.js'

export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed' | 'rejected'

export interface Task {
  id: string
  query: string
  model: string
  /** What it asks for, as the coordinator sorts it (set when it starts). */
  type?: TaskType
  status: TaskStatus
  createdAt: string
  startedAt?: string
  finishedAt?: string
  answer?: string
  /** The critic's score, 0 to 1. */
  score?: number
  sources?: string[]
  tools?: Array<{ tool: string, input: string, output: string }>
  cached?: boolean
  error?: { code: string, message: string }
  /** The trace of the request that submitted the task. */
  traceId?: string
}

export const FINISHED: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'rejected'])
