import type { FastifyBaseLogger } from 'fastify'
import type { OverviewHistory } from './overview-sample.js'
import type { OverviewSampler } from './overview-sampler.js'

/** An open page's event stream: what the feed writes to (an HTTP response). */
export interface Subscriber {
  write (chunk: string): unknown
  end (): unknown
}

export interface FeedSettings {
  intervalMs: number
  healthIntervalMs: number
  historySeconds: number
  missing: Record<string, string>
}

/**
 * The overview's server-sent events. The first page that subscribes starts the sampling timers,
 * the last one to leave stops them: with no page open the console runs no timer and reads nothing.
 */
export class LiveFeed {
  private readonly subscribers = new Set<Subscriber>()
  private timers: NodeJS.Timeout[] = []
  private starting: Promise<void> | undefined
  private busy = false

  constructor (
    private readonly sampler: OverviewSampler,
    private readonly settings: FeedSettings,
    private readonly log: FastifyBaseLogger
  ) {}

  /** True while at least one page watches (and so the timers run). */
  get watching (): boolean {
    return this.timers.length > 0
  }

  get size (): number {
    return this.subscribers.size
  }

  /** Sends the history kept, then every new sample, until `unsubscribe`. */
  subscribe (subscriber: Subscriber): void {
    const history: OverviewHistory = {
      intervalMs: this.settings.intervalMs,
      historySeconds: this.settings.historySeconds,
      samples: this.sampler.samples.toArray(),
      health: this.sampler.health,
      missing: this.settings.missing
    }
    subscriber.write(event('history', history))
    this.subscribers.add(subscriber)
    if (this.subscribers.size === 1) this.start()
  }

  unsubscribe (subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return
    if (this.subscribers.size === 0) this.stop()
  }

  /** Ends every stream (the app is closing) and stops. */
  close (): void {
    for (const subscriber of this.subscribers) subscriber.end()
    this.subscribers.clear()
    this.stop()
  }

  private start (): void {
    const { intervalMs, healthIntervalMs } = this.settings
    this.timers = [
      setInterval(() => { this.tick() }, intervalMs).unref(),
      setInterval(() => { this.probe() }, healthIntervalMs).unref()
    ]
    this.starting = this.sampler.begin().catch((error: unknown) => {
      this.log.warn({ err: error }, '@obs/console: reading the request metrics failed')
    })
    this.probe()
  }

  private stop (): void {
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    this.sampler.end()
  }

  private tick (): void {
    // A slow read (a registry under a scrape) skips a beat rather than piling up.
    if (this.busy) return
    this.busy = true
    const run = async (): Promise<void> => {
      await this.starting
      const sample = await this.sampler.sample()
      this.broadcast(event('sample', sample))
    }
    run().catch((error: unknown) => {
      this.log.warn({ err: error }, '@obs/console: taking an overview sample failed')
    }).finally(() => { this.busy = false })
  }

  private probe (): void {
    this.sampler.probeHealth().then((health) => {
      if (health !== null) this.broadcast(event('health', health))
    }, (error: unknown) => {
      this.log.warn({ err: error }, '@obs/console: running the health probes failed')
    })
  }

  private broadcast (chunk: string): void {
    for (const subscriber of this.subscribers) subscriber.write(chunk)
  }
}

function event (name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
}
