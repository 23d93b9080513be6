import type { FastifyBaseLogger } from 'fastify'
import { type Clock, systemClock } from '../clock.js'
import type { AlertNotification } from '../engine/alert.js'
import { type Owed, OwedNotifications } from './owed.js'
import type { DeliveryOptions } from './settings.js'
import { DeliveryError, type Delivery, type FailureReason, type Notifier } from './types.js'

export interface DeliveryHooks {
  /** A delivery (one message) was accepted. */
  sent (channel: string): void
  /** `count` notifications were given up. */
  failed (channel: string, reason: FailureReason, count: number): void
  retried (channel: string): void
}

export interface ChannelOptions extends DeliveryOptions {
  /**
   * How long a notification stays owed while its endpoint is down (the plugin's repeatInterval:
   * by then a still-firing alert is notified again anyway).
   */
  readonly owedMs: number
}

/** What one attempt sends: owed notifications of one alert name, or a stateful receiver's re-send. */
interface Batch {
  readonly delivery: Delivery
  readonly owed: readonly Owed[]
}

function names (notifications: ReadonlyArray<{ alert: { name: string } }>): string {
  const list = [...new Set(notifications.map((n) => n.alert.name))]
  return list.length <= 5 ? list.join(', ') : `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`

/** Rejects with the signal's reason once it aborts (never settles otherwise). */
function abortion (signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
  aborted.catch(() => {})
  return aborted
}

/**
 * One notification channel. Notifying is a synchronous push onto what the channel owes its
 * receiver (bounded; the newest state of an alert replaces an older one); one sender delivers
 * it in order, one alert name per message, off the request path. A failure worth retrying
 * keeps the notifications owed: the sender backs off (exponentially, with jitter, up to
 * `maxBackoffMs`) and tries again until the endpoint answers, for up to `owedMs`; so an
 * endpoint that was down gets every notification once it is back, as Alertmanager's
 * notifiers do across their group intervals. Each attempt is raced against its time limit, so
 * a notifier that ignores its signal cannot hold the channel. What is given up (too old, a
 * failure not worth retrying, overflow, shutdown) is logged at error level and counted, never
 * dropped silently.
 */
export class Channel {
  private readonly owed: OwedNotifications
  /** The latest re-send of a stateful receiver, waiting: one is enough, it carries the whole state. */
  private resendDue: Delivery | undefined
  /** Failed attempts in a row: the backoff grows with them, and the first success resets them. */
  private failures = 0
  private sender: Promise<void> | undefined
  private readonly idleWaiters = new Set<() => void>()
  private wake: (() => void) | undefined
  private closed = false
  /** Closing with a state file: what is still owed is kept for the next start, not given up. */
  private keep = false
  /** Aborted when closing stops waiting: ends the attempt in flight and fails what is owed. */
  private readonly shutdown = new AbortController()
  private resendTimer: unknown

  constructor (
    readonly name: string,
    readonly notifier: Notifier,
    private readonly options: ChannelOptions,
    private readonly hooks: DeliveryHooks,
    private readonly log: FastifyBaseLogger,
    private readonly clock: Clock = systemClock()
  ) {
    this.owed = new OwedNotifications(options.queueSize, notifier.resend !== undefined)
    if (notifier.resend !== undefined && notifier.resendIntervalMs !== undefined) this.scheduleResend()
  }

  /** Notifications owed (waiting or in flight), and a waiting re-send. */
  get length (): number {
    return this.owed.size + (this.resendDue === undefined ? 0 : 1)
  }

  /** Stateful receivers (Alertmanager) hear about every alert and re-send on their own. */
  get stateful (): boolean {
    return this.notifier.resend !== undefined
  }

  /** Owes the notifications to the receiver; never blocks, never throws. */
  notify (notifications: readonly AlertNotification[]): void {
    if (this.closed) {
      this.giveUp(notifications.map((notification) => ({ notification, attempts: 0 })), 'shutdown', 'the plugin is closing')
      return
    }
    const now = this.clock.now()
    for (const n of notifications) {
      const pushedOut = this.owed.add(n, now)
      if (pushedOut !== undefined) this.giveUp([pushedOut], 'overflow', `the queue is full (${this.options.queueSize} owed)`)
    }
    this.start()
  }

  /** Starts the sender if it is idle. It catches everything itself; the catch is a last guard. */
  private start (): void {
    if (this.sender !== undefined) return
    this.sender = this.work().catch((error: unknown) => {
      this.log.error({ err: error, channel: this.name }, `@obs/alerts: the sender of "${this.name}" failed`)
    }).then(() => {
      this.sender = undefined
      // Something may have been owed while the sender was finishing.
      if (this.length > 0 && !this.shutdown.signal.aborted && !(this.closed && this.keep)) this.start()
      else if (this.length === 0 || this.closed) for (const done of this.idleWaiters) done()
    })
  }

  private scheduleResend (): void {
    const timer = this.clock.setTimeout(() => {
      if (this.closed) return
      const delivery = this.notifier.resend!(this.clock.now())
      if (delivery !== undefined) {
        this.resendDue = { ...delivery, channel: this.name }
        this.start()
      }
      this.scheduleResend()
    }, this.notifier.resendIntervalMs!)
    timer.unref?.()
    this.resendTimer = timer
  }

  private next (): Batch | undefined {
    const owed = this.owed.next()
    if (owed.length > 0) {
      const alertname = owed[0]!.notification.alert.name
      const notifications = owed.map((entry) => entry.notification)
      return { owed, delivery: { channel: this.name, groupKey: `{}:{alertname=${JSON.stringify(alertname)}}`, alertname, notifications, resend: false } }
    }
    const resend = this.resendDue
    this.resendDue = undefined
    return resend === undefined ? undefined : { owed: [], delivery: resend }
  }

  private async work (): Promise<void> {
    for (let batch = this.next(); batch !== undefined; batch = this.next()) {
      if (this.shutdown.signal.aborted) {
        if (!this.keep) this.giveUp(this.owed.drop(this.owed.all()), 'shutdown', 'the plugin closed with it still owed')
        return
      }
      const error = await this.attempt(batch)
      if (error === undefined) continue
      // Closing with a state file: the last try failed, the rest waits for the next start.
      if (this.closed && this.keep && (error.retryable || error.reason === 'shutdown')) return
      if (!error.retryable || this.closed) {
        // Closing gives one last try, without backoff: what fails then is given up.
        const given = batch.owed.length > 0 ? this.owed.drop(batch.owed) : batch.delivery.notifications.map((notification) => ({ notification, attempts: 1 }))
        this.giveUp(given, error.reason, error.message)
        // The endpoint answered (a 4xx): it is not down.
        if (!error.retryable) this.failures = 0
        continue
      }
      this.hooks.retried(this.name)
      this.owed.failed(batch.owed, this.failures > this.options.retries)
      this.expire(error)
      if (batch.owed.length === 0) this.resendDue ??= batch.delivery
      if (this.length > 0) await this.sleep(this.backoff(error))
    }
  }

  /** Sends a batch; returns the error of a failed attempt (logged), or undefined once delivered. */
  private async attempt (batch: Batch): Promise<DeliveryError | undefined> {
    for (const entry of batch.owed) entry.attempts++
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
      const sending = (async () => { await this.notifier.send(batch.delivery, signal, this.clock.now()) })()
      sending.catch(() => {})
      // The notifier's own promise may never settle (a custom one that ignores the signal).
      await Promise.race([sending, aborted])
      this.owed.delivered(batch.owed)
      this.hooks.sent(this.name)
      if (this.failures > 0) {
        this.log.info({ channel: this.name, attempts: this.failures + 1 }, `@obs/alerts: delivered to "${this.name}" after ${plural(this.failures + 1, 'attempt')}`)
      }
      this.failures = 0
      return undefined
    } catch (caught) {
      const error = signal.aborted && signal.reason instanceof DeliveryError
        ? signal.reason
        : caught instanceof DeliveryError ? caught : new DeliveryError((caught as Error)?.message ?? String(caught), 'error', true)
      this.failures++
      if (error.retryable && !this.closed) {
        // Past `retries`, the endpoint is down: said once, then tried quietly until it answers.
        const down = this.failures > this.options.retries
        const message = `@obs/alerts: delivery to "${this.name}" failed (attempt ${this.failures}): ${error.message}; ${down ? `${plural(this.owed.size, 'notification')} kept owed, trying again every ${this.options.maxBackoffMs} ms at most` : 'retrying'}`
        const fields = { channel: this.name, reason: error.reason, attempt: this.failures, alerts: names(batch.delivery.notifications) }
        if (this.failures <= this.options.retries) this.log.warn(fields, message)
        else if (this.failures === this.options.retries + 1) this.log.error(fields, message)
        else this.log.debug(fields, message)
      }
      return error
    } finally {
      clearTimeout(timeout)
      this.shutdown.signal.removeEventListener('abort', stop)
    }
  }

  /** Gives up what has been owed for longer than `owedMs`. */
  private expire (error: DeliveryError): void {
    const old = this.owed.drop(this.owed.olderThan(this.clock.now() - this.options.owedMs))
    if (old.length > 0) this.giveUp(old, error.reason, `${error.message}; owed for longer than ${this.options.owedMs} ms`)
  }

  private backoff (error: DeliveryError): number {
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, 5 * 60_000)
    const base = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** Math.min(this.failures - 1, 30))
    // "Equal jitter": at least half the delay, so that retries of many channels spread out.
    return base / 2 + this.clock.random() * base / 2
  }

  private giveUp (entries: ReadonlyArray<Pick<Owed, 'notification' | 'attempts'>>, reason: FailureReason, message: string): void {
    if (entries.length === 0) return
    this.hooks.failed(this.name, reason, entries.length)
    const notifications = entries.map((entry) => entry.notification)
    const attempts = Math.max(...entries.map((entry) => entry.attempts))
    this.log.error({ channel: this.name, reason, attempts, alerts: names(notifications) },
      `@obs/alerts: gave up delivering ${plural(entries.length, 'notification')} (${names(notifications)}) to "${this.name}" after ${plural(attempts, 'attempt')}: ${message}`)
  }

  /** Waits for a retry's backoff; closing, and new notifications after a failure, do not cut it short. */
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
   * Stops re-sends and waits up to `timeoutMs` for what is owed to be delivered (a retry goes
   * on at once, without its backoff, for one last try). Then the attempt in flight is aborted,
   * and it and every notification still owed are logged and counted as `shutdown`, once each
   * (with `keep`, for a state file, they stay owed). Returns how many notifications were given up.
   */
  async close (timeoutMs: number, keep = false): Promise<number> {
    if (this.closed) return 0
    this.closed = true
    this.keep = keep
    this.clock.clearTimeout(this.resendTimer)
    this.resendDue = undefined
    this.wake?.()
    let left = 0
    if (!await this.idle(timeoutMs)) {
      left = keep ? 0 : this.owed.size
      this.shutdown.abort()
      await this.sender
    }
    await this.notifier.close?.()
    return left
  }

  /** What the state file keeps of this channel. */
  save (): ReturnType<OwedNotifications['save']> {
    return this.owed.save()
  }

  /** Back from the state file, before the first notification: sent as soon as the endpoint answers. */
  restore (saved: Parameters<OwedNotifications['restore']>[0]): void {
    this.owed.restore(saved)
    if (this.owed.size > 0) this.start()
  }

  /** Resolves true once nothing is owed or in flight, false after `timeoutMs` (for `app.alerts.flush()`). */
  idle (timeoutMs: number): Promise<boolean> {
    if (this.sender === undefined && (this.length === 0 || (this.closed && this.keep))) return Promise.resolve(true)
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
