/**
 * A bounded FIFO queue worked by a fixed number of workers, so queue depth and tasks in
 * progress are real. `onDepth` hears every change of depth.
 */
export class TaskQueue<T> {
  private readonly waiting: T[] = []
  private active = 0
  private closed = false

  constructor (
    private readonly capacity: number,
    private readonly workers: number,
    private readonly work: (item: T) => Promise<void>,
    private readonly onDepth: (depth: number) => void
  ) {}

  get depth (): number {
    return this.waiting.length
  }

  get inProgress (): number {
    return this.active
  }

  /** False when the queue is full or closed: the caller answers 503. */
  push (item: T): boolean {
    if (this.closed || this.waiting.length >= this.capacity) return false
    this.waiting.push(item)
    this.onDepth(this.waiting.length)
    this.drain()
    return true
  }

  /** Stops taking work; resolves when the workers are idle. */
  async close (): Promise<void> {
    this.closed = true
    while (this.active > 0 || this.waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 10))
  }

  private drain (): void {
    while (this.active < this.workers && this.waiting.length > 0) {
      const item = this.waiting.shift()!
      this.onDepth(this.waiting.length)
      this.active++
      this.work(item).catch(() => {}).finally(() => {
        this.active--
        this.drain()
      })
    }
  }
}
