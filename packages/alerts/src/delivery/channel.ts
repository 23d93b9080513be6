import type { FastifyBaseLogger } from 'fastify'
import { type Clock, systemClock } from '../clock.js'
import type { DeliveryOptions } from './settings.js'
import { DeliveryError, type Delivery, type FailureReason, type Notifier } from './types.js'

export interface DeliveryHooks {
  sent (channel: string): void
  failed (channel: string, reason: FailureReason): void
  retried (channel: string): void
}

interface Job { delivery: Delivery, attempt: number, lastError?: DeliveryError }

function names (delivery: Delivery): string {
  const list = [...new Set(delivery.notifications.map((n) => n.alert.name))]
  return list.length <= 5 ? list.join(', ') : `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`
}

/** Rejects with the signal's reason once it aborts (never settles otherwise). */
function abortion (signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
  aborted.catch(() => {})
  return aborted
}

/**
 * One notification channel: a bounded queue worked by one sender, so that deliveries arrive
 * in order and a slow or dead endpoint never holds up the caller (enqueueing is synchronous
 * and cheap). Each attempt is raced against its time limit, so a notifier that ignores its
 * signal cannot hold the channel; failures worth retrying are retried with exponential
 * backoff and jitter; every failure is logged with its reason, and every delivery that is
 * given up is logged at error level and counted once, never dropped silently.
 */
export class Channel {
  /** Deliveries waiting, oldest first. The one being sent (or waiting for its retry) is `current`. */
  private readonly waiting: Job[] = []
  private current: Job | undefined
  /** The sender, while it works through the queue. */
  private sender: Promise<void> | undefined
  private readonly idleWaiters = new Set<() => void>()
  private wake: (() => void) | undefined
  private closed = false
  /** Aborted when closing stops waiting: ends the attempt in flight and fails what is queued. */
  private readonly shutdown = new AbortController()
  private resendTimer: unknown

  constructor (
    readonly name: string,
    readonly notifier: Notifier,
    private readonly options: DeliveryOptions,
    private readonly hooks: DeliveryHooks,
    private readonly log: FastifyBaseLogger,
    private readonly clock: Clock = systemClock()
  ) {
    if (notifier.resend !== undefined && notifier.resendIntervalMs !== undefined) this.scheduleResend()
  }

  /** Deliveries waiting or in flight. */
  get length (): number {
    return this.waiting.length + (this.current === undefined ? 0 : 1)
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
    if (this.length >= this.options.queueSize) {
      // The oldest waiting one goes; the one in flight is never touched.
      const dropped = this.waiting.shift()
      const reason = `the queue is full (${this.options.queueSize} waiting)`
      if (dropped === undefined) {
        this.fail({ delivery, attempt: 0 }, 'overflow', reason)
        return
      }
      this.fail(dropped, 'overflow', reason)
    }
    this.waiting.push({ delivery, attempt: 0 })
    this.start()
  }

  /** Starts the sender if it is idle. It catches everything itself; the catch is a last guard. */
  private start (): void {
    if (this.sender !== undefined) return
    this.sender = this.work().catch((error: unknown) => {
      this.log.error({ err: error, channel: this.name }, `@obs/alerts: the sender of "${this.name}" failed`)
    }).then(() => {
      this.sender = undefined
      // Something may have been queued while the sender was finishing.
      if (this.waiting.length > 0) this.start()
      else for (const done of this.idleWaiters) done()
    })
  }

  private scheduleResend (): void {
    const timer = this.clock.setTimeout(() => {
      if (this.closed) return
      // A re-send carries the whole state: one waiting is enough.
      if (!this.waiting.some((job) => job.delivery.resend)) {
        const delivery = this.notifier.resend!(this.clock.now())
        if (delivery !== undefined) this.enqueue({ ...delivery, channel: this.name })
      }
      this.scheduleResend()
    }, this.notifier.resendIntervalMs!)
    timer.unref?.()
    this.resendTimer = timer
  }

  private async work (): Promise<void> {
    for (let job = this.waiting.shift(); job !== undefined; job = this.waiting.shift()) {
      this.current = job
      try {
        while (!await this.attempt(job)) await this.sleep(this.backoff(job))
      } finally {
        this.current = undefined
      }
    }
  }

  /** True when the job is finished (delivered or given up, and counted either way). */
  private async attempt (job: Job): Promise<boolean> {
    if (this.shutdown.signal.aborted) {
      this.fail(job, 'shutdown', 'the plugin closed with it still queued')
      return true
    }
    job.attempt++
    const controller = new AbortController()
    const { signal } = controller
    // Real time, whatever the clock: the limit guards the process against a hung endpoint.
    const timeout = setTimeout(() => controller.abort(new DeliveryError(`no answer within ${this.options.timeoutMs} ms`, 'timeout', true)), this.options.timeoutMs)
    timeout.unref()
    const stop = (): void => controller.abort(new DeliveryError('the plugin closed while it was being sent', 'shutdown', false))
    this.shutdown.signal.addEventListener('abort', stop, { once: true })
    // Listening before the notifier does: its own reaction to the abort comes second.
    const aborted = abortion(signal)
    try {
      const sending = (async () => { await this.notifier.send(job.delivery, signal, this.clock.now()) })()
      sending.catch(() => {})
      // The notifier's own promise may never settle (a custom one that ignores the signal).
      await Promise.race([sending, aborted])
      this.hooks.sent(this.name)
      if (job.attempt > 1) this.log.info({ channel: this.name, attempts: job.attempt }, `@obs/alerts: delivered to "${this.name}" after ${job.attempt} attempts`)
      return true
    } catch (caught) {
      const error = signal.aborted && signal.reason instanceof DeliveryError
        ? signal.reason
        : caught instanceof DeliveryError ? caught : new DeliveryError((caught as Error)?.message ?? String(caught), 'error', true)
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
    } finally {
      clearTimeout(timeout)
      this.shutdown.signal.removeEventListener('abort', stop)
    }
  }

  private backoff (job: Job): number {
    const retryAfter = job.lastError?.retryAfterMs
    if (retryAfter !== undefined) return Math.min(retryAfter, 5 * 60_000)
    const base = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (job.attempt - 1))
    // "Equal jitter": at least half the delay, so that retries of many channels spread out.
    return base / 2 + this.clock.random() * base / 2
  }

  private fail (job: Job, reason: FailureReason, message: string): void {
    this.hooks.failed(this.name, reason)
    const count = job.delivery.notifications.length
    this.log.error({ channel: this.name, reason, attempts: job.attempt, alerts: names(job.delivery) },
      `@obs/alerts: gave up delivering ${count} notification${count === 1 ? '' : 's'} (${names(job.delivery)}) to "${this.name}" after ${job.attempt} attempt${job.attempt === 1 ? '' : 's'}: ${message}`)
  }

  /** Waits for a retry's backoff; closing cuts it short. */
  private sleep (ms: number): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.wake = undefined
        resolve()
      }, ms)
      timer.unref?.()
      this.wake = () => {
        this.clock.clearTimeout(timer)
        this.wake = undefined
        resolve()
      }
    })
  }

  /**
   * Stops re-sends and waits up to `timeoutMs` for the queue to empty (a retry goes on at once,
   * without its backoff, for one last try). Then the attempt in flight is aborted, and it and
   * every delivery still waiting are logged and counted as `shutdown`, once each. Returns how
   * many were given up.
   */
  async close (timeoutMs: number): Promise<number> {
    if (this.closed) return 0
    this.closed = true
    this.clock.clearTimeout(this.resendTimer)
    this.wake?.()
    let left = 0
    if (!await this.idle(timeoutMs)) {
      left = this.length
      this.shutdown.abort()
      await this.sender
    }
    await this.notifier.close?.()
    return left
  }

  /** Resolves true once nothing is queued or in flight, false after `timeoutMs` (for `app.alerts.flush()`). */
  idle (timeoutMs: number): Promise<boolean> {
    if (this.sender === undefined && this.length === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.idleWaiters.delete(done)
        resolve(true)
      }
      // Not unref'd: whoever waits keeps the process alive until the queue empties or time is up.
      const timer = setTimeout(() => {
        this.idleWaiters.delete(done)
        resolve(false)
      }, timeoutMs)
      this.idleWaiters.add(done)
    })
  }
}
