/**
 * A bounded FIFO queue worked by a fixed number of workers, so queue depth and tasks in
 * progress are real. `onDepth` hears every change of depth.
 */
export class TaskQueue<T> {
  private readonly waiting: T[] = []
  private active = 0
  private closed = false
  private readonly whenIdle: Array<() => void> = []

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

  /**
   * Stops taking work and waits for it to finish, at most `timeoutMs`; what is still waiting
   * then is handed to `abandon` (to fail it) and dropped. Resolves when the workers are idle.
   */
  async close (timeoutMs: number, abandon: (item: T) => void): Promise<void> {
    this.closed = true
    const idle = this.idle()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs) })
    await Promise.race([idle, late])
    clearTimeout(timer)
    for (const item of this.waiting.splice(0)) abandon(item)
    this.onDepth(0)
    await idle
  }

  private idle (): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.whenIdle.push(resolve))
  }

  private drain (): void {
    while (this.active < this.workers && this.waiting.length > 0) {
      const item = this.waiting.shift()!
      this.onDepth(this.waiting.length)
      this.active++
      this.work(item).catch(() => {}).finally(() => {
        this.active--
        this.drain()
        if (this.active === 0 && this.waiting.length === 0) for (const resolve of this.whenIdle.splice(0)) resolve()
      })
    }
  }
}
