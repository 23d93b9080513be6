import type { Task } from './task.js'

/**
 * Tasks that failed every retry, kept for people to look at, retry or discard: bounded, the
 * oldest dropped first. `onSize` hears every change of size.
 */
export class DeadLetterQueue {
  private readonly tasks = new Map<string, Task>()

  constructor (private readonly capacity: number, private readonly onSize: (size: number) => void) {
    onSize(0)
  }

  get size (): number {
    return this.tasks.size
  }

  add (task: Task): void {
    this.tasks.delete(task.id)
    this.tasks.set(task.id, task)
    if (this.tasks.size > this.capacity) this.tasks.delete(this.tasks.keys().next().value!)
    this.onSize(this.tasks.size)
  }

  /** The newest first. */
  list (limit: number): Task[] {
    return [...this.tasks.values()].reverse().slice(0, limit)
  }

  /** Removes a task and returns it, to retry or discard it. */
  take (id: string): Task | undefined {
    const task = this.tasks.get(id)
    if (task === undefined) return undefined
    this.tasks.delete(id)
    this.onSize(this.tasks.size)
    return task
  }
}
