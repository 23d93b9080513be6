import type { Task, TaskStatus } from './task.js'
import { FINISHED } from './task.js'

/** Tasks by id, bounded: past `maxTasks`, the oldest finished tasks are forgotten. */
export class TaskStore {
  private readonly tasks = new Map<string, Task>()

  constructor (private readonly maxTasks: number) {}

  add (task: Task): void {
    this.tasks.set(task.id, task)
    if (this.tasks.size <= this.maxTasks) return
    for (const [id, old] of this.tasks) {
      if (FINISHED.has(old.status)) {
        this.tasks.delete(id)
        if (this.tasks.size <= this.maxTasks) return
      }
    }
  }

  get (id: string): Task | undefined {
    return this.tasks.get(id)
  }

  /** The newest tasks first, optionally of one status. */
  list (limit: number, status?: TaskStatus): Task[] {
    const out: Task[] = []
    const all = [...this.tasks.values()]
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      if (status === undefined || all[i]!.status === status) out.push(all[i]!)
    }
    return out
  }
}
