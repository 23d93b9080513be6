import type { FastifyBaseLogger } from 'fastify'
import type { AlertNotification } from './alert.js'
import { DeliveryError, type Delivery, type FailureReason, type Notifier } from './notifiers/types.js'

export interface DeliveryOptions {
  /** One attempt's time limit. */
  readonly timeoutMs: number
  /** Attempts after the first one, for failures worth retrying. */
  readonly retries: number
  /** The first retry's delay; it doubles each time, up to `maxBackoffMs`, with jitter. */
  readonly backoffMs: number
  readonly maxBackoffMs: number
  /** Deliveries waiting per channel; beyond, the oldest waiting one is dropped and counted. */
  readonly queueSize: number
}

export interface DeliveryHooks {
  sent (channel: string): void
  failed (channel: string, reason: FailureReason): void
  retried (channel: string): void
}

export interface Timers {
  setTimeout (fn: () => void, ms: number): { unref?: () => unknown }
  clearTimeout (timer: unknown): void
  random (): number
  now (): number
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  random: Math.random,
  now: Date.now
}

interface Job { delivery: Delivery, attempt: number, lastError?: DeliveryError }

function names (delivery: Delivery): string {
  const list = [...new Set(delivery.notifications.map((n) => n.alert.name))]
  return list.length <= 5 ? list.join(', ') : `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`
}

/**
 * One notification channel: a bounded queue worked by one sender, so that deliveries arrive
 * in order and a slow or dead endpoint never holds up the caller (enqueueing is synchronous
 * and cheap). Each attempt has a time limit; failures worth retrying are retried with
 * exponential backoff and jitter; every failure is logged with its reason, and every
 * delivery that is given up is logged at error level and counted, never dropped silently.
 */
export class Channel {
  private readonly queue: Job[] = []
  private busy = false
  private timer: unknown
  private wake: (() => void) | undefined
  private closed = false
  private resendTimer: unknown

  constructor (
    readonly name: string,
    readonly notifier: Notifier,
    private readonly options: DeliveryOptions,
    private readonly hooks: DeliveryHooks,
    private readonly log: FastifyBaseLogger,
    private readonly timers: Timers = realTimers
  ) {
    if (notifier.resend !== undefined && notifier.resendIntervalMs !== undefined) this.scheduleResend()
  }

  get length (): number {
    return this.queue.length
  }

  /** Stateful receivers (Alertmanager) hear about every alert and re-send on their own. */
  get stateful (): boolean {
    return this.notifier.resend !== undefined
  }

  enqueue (delivery: Delivery): void {
    if (this.closed) {
      this.fail({ delivery, attempt: 0 }, 'shutdown', 'the plugin is closing')
      return
    }
    if (this.queue.length >= this.options.queueSize) {
      // The head may be in flight: drop the oldest one that is only waiting.
      const index = this.busy ? 1 : 0
      const [dropped] = this.queue.splice(index, 1)
      if (dropped !== undefined) this.fail(dropped, 'overflow', `the queue is full (${this.options.queueSize} waiting)`)
      else {
        this.fail({ delivery, attempt: 0 }, 'overflow', `the queue is full (${this.options.queueSize} waiting)`)
        return
      }
    }
    this.queue.push({ delivery, attempt: 0 })
    this.kick()
  }

  /** Starts the sender if it is idle. It catches everything itself; this is a last guard. */
  private kick (): void {
    this.work().catch((error: unknown) => {
      this.log.error({ err: error, channel: this.name }, `@obs/alerts: the sender of "${this.name}" failed`)
    })
  }

  private scheduleResend (): void {
    const timer = this.timers.setTimeout(() => {
      if (this.closed) return
      // A re-send carries the whole state: one waiting is enough.
      if (!this.queue.some((job, i) => job.delivery.resend && (i > 0 || !this.busy))) {
        const delivery = this.notifier.resend!(this.timers.now())
        if (delivery !== undefined) this.enqueue({ ...delivery, channel: this.name })
      }
      this.scheduleResend()
    }, this.notifier.resendIntervalMs!)
    timer.unref?.()
    this.resendTimer = timer
  }

  private async work (): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      while (this.queue.length > 0) {
        const job = this.queue[0]!
        const done = await this.attempt(job)
        if (done) {
          if (this.queue[0] === job) this.queue.shift()
        } else {
          await this.sleep(this.backoff(job))
        }
      }
    } finally {
      this.busy = false
    }
  }

  /** True when the job is finished (delivered or given up). */
  private async attempt (job: Job): Promise<boolean> {
    job.attempt++
    const signal = AbortSignal.timeout(this.options.timeoutMs)
    try {
      await this.notifier.send(job.delivery, signal)
      this.hooks.sent(this.name)
      if (job.attempt > 1) this.log.info({ channel: this.name, attempts: job.attempt }, `@obs/alerts: delivered to "${this.name}" after ${job.attempt} attempts`)
      return true
    } catch (caught) {
      const error = caught instanceof DeliveryError ? caught : new DeliveryError((caught as Error)?.message ?? String(caught), 'error', true)
      const last = !error.retryable || job.attempt > this.options.retries || this.closed
      if (last) {
        this.fail(job, error.reason, error.message)
        return true
      }
      job.lastError = error
      this.hooks.retried(this.name)
      this.log.warn({ channel: this.name, reason: error.reason, attempt: job.attempt, alerts: names(job.delivery) },
        `@obs/alerts: delivery to "${this.name}" failed (attempt ${job.attempt} of ${this.options.retries + 1}): ${error.message}; retrying`)
      return false
    }
  }

  private backoff (job: Job): number {
    const retryAfter = job.lastError?.retryAfterMs
    if (retryAfter !== undefined) return Math.min(retryAfter, 5 * 60_000)
    const base = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (job.attempt - 1))
    // "Equal jitter": at least half the delay, so that retries of many channels spread out.
    return base / 2 + this.timers.random() * base / 2
  }

  private fail (job: Job, reason: FailureReason, message: string): void {
    this.hooks.failed(this.name, reason)
    const count = job.delivery.notifications.length
    this.log.error({ channel: this.name, reason, attempts: job.attempt, alerts: names(job.delivery) },
      `@obs/alerts: gave up delivering ${count} notification${count === 1 ? '' : 's'} (${names(job.delivery)}) to "${this.name}" after ${job.attempt} attempt${job.attempt === 1 ? '' : 's'}: ${message}`)
  }

  private sleep (ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve
      const timer = this.timers.setTimeout(() => {
        this.wake = undefined
        resolve()
      }, ms)
      timer.unref?.()
      this.timer = timer
    })
  }

  /**
   * Stops re-sends and waits up to `timeoutMs` for the queue to empty (retries go on at once,
   * without waiting for their backoff); what is still undelivered then is logged and counted.
   */
  async close (timeoutMs: number): Promise<number> {
    this.closed = true
    this.timers.clearTimeout(this.resendTimer)
    this.timers.clearTimeout(this.timer)
    this.wake?.()
    const deadline = this.timers.now() + timeoutMs
    while (this.queue.length > 0 && this.timers.now() < deadline) {
      this.kick()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const left = this.queue.splice(0)
    for (const job of left) this.fail(job, 'shutdown', `the plugin closed with it still queued (waited ${timeoutMs} ms)`)
    await this.notifier.close?.()
    return left.length
  }

  /** Resolves once the queue is empty (for tests and `app.alerts.flush()`). */
  async idle (timeoutMs: number): Promise<boolean> {
    const deadline = this.timers.now() + timeoutMs
    while (this.queue.length > 0 || this.busy) {
      if (this.timers.now() >= deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return true
  }
}

/**
 * Hands notifications to channels: one delivery per channel and alert name, so a receiver gets
 * one message for an alert that fires for ten routes. Acknowledged alerts stop paging people;
 * stateful receivers (Alertmanager) still hear of them, and re-send rather than repeat.
 */
export class Dispatcher {
  constructor (readonly channels: ReadonlyMap<string, Channel>, private readonly now: () => number) {}

  dispatch (notifications: readonly AlertNotification[]): void {
    const byChannel = new Map<string, AlertNotification[]>()
    for (const n of notifications) {
      for (const name of n.alert.channels) {
        const channel = this.channels.get(name)
        if (channel === undefined) continue
        if (channel.stateful ? n.repeat : (n.status === 'firing' && n.alert.acknowledged !== null)) continue
        let list = byChannel.get(name)
        if (list === undefined) byChannel.set(name, list = [])
        list.push(n)
      }
    }
    for (const [name, list] of byChannel) {
      const channel = this.channels.get(name)!
      channel.notifier.track?.(list, this.now())
      const byName = new Map<string, AlertNotification[]>()
      for (const n of list) {
        let group = byName.get(n.alert.name)
        if (group === undefined) byName.set(n.alert.name, group = [])
        group.push(n)
      }
      for (const [alertname, group] of byName) {
        channel.enqueue({ channel: name, groupKey: `{}:{alertname=${JSON.stringify(alertname)}}`, alertname, notifications: group, resend: false })
      }
    }
  }

  async idle (timeoutMs: number): Promise<boolean> {
    const results = await Promise.all([...this.channels.values()].map((c) => c.idle(timeoutMs)))
    return results.every(Boolean)
  }

  async close (timeoutMs: number): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.close(timeoutMs)))
  }
}
