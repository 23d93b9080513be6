import { createHash } from 'node:crypto'
import type { AlertNotification } from '../engine/alert.js'
import type { DeliveryOptions } from './settings.js'
import { SEVERITIES, type Severity } from '../rules/types.js'

/** One message to one channel: the notifications of one alert name from one moment. */
export interface Delivery {
  readonly channel: string
  /** The Alertmanager-style group key, `{}:{alertname="HighErrorRate"}`. */
  readonly groupKey: string
  readonly alertname: string
  readonly notifications: readonly AlertNotification[]
  /** A periodic re-send of the alerts a stateful receiver (Alertmanager) must keep hearing about. */
  readonly resend: boolean
}

/** Why a delivery failed, as counted in `obs_alerts_notifications_failed_total{reason}`. */
export type FailureReason = 'timeout' | 'connection' | 'unavailable' | 'rejected' | 'error' | 'overflow' | 'shutdown'

/** A failed attempt: `retryable` ones are tried again with backoff. */
export class DeliveryError extends Error {
  constructor (
    message: string,
    readonly reason: FailureReason,
    readonly retryable: boolean,
    /** From a Retry-After header. */
    readonly retryAfterMs?: number
  ) {
    super(message)
    this.name = 'DeliveryError'
  }
}

export interface Notifier {
  readonly type: string
  /**
   * Delivers or throws (a DeliveryError says whether to retry). Should stop when `signal` aborts
   * (its reason is a DeliveryError: the time limit, or the app closing); the channel stops
   * waiting then in any case. `now` is the plugin's clock when the attempt starts.
   */
  send (delivery: Delivery, signal: AbortSignal, now: number): Promise<void>
  /** Sees every notification routed to the channel when it is routed (before delivery). */
  track? (notifications: readonly AlertNotification[], now: number): void
  /** For stateful receivers: how often `resend` is called. */
  readonly resendIntervalMs?: number
  /** What to send again now, if anything. */
  resend? (now: number): Delivery | undefined
  close? (): Promise<void>
  /** What follows this in the notifier's URL is a secret (a webhook's path): kept out of client spans. */
  readonly secretUrlPrefix?: string
}

/** What a notifier module's factory is given besides its configuration. */
export interface NotifierContext {
  /** The channel's name under `notifiers`. */
  readonly channel: string
  readonly delivery: DeliveryOptions
  /** The plugin's `externalUrl`. */
  readonly externalUrl: string
}

/**
 * One kind of notifier: its configuration's check and its factory, in one module. The table
 * in `notifiers/index.ts` lists them by `type`; adding a notifier is one module and one line.
 */
export interface NotifierModule<C> {
  /** The configuration's keys besides `type` and `delivery`: any other is a misspelling, a coded error. */
  readonly options: Record<Exclude<keyof C, 'type'>, true>
  /** Throws OBS_ALERTS_INVALID_OPTION, naming the field under `at` (`notifiers.pager`). */
  validate (config: C, at: string): void
  create (config: C, context: NotifierContext): Notifier
}

/**
 * The severity a message's title shows: the highest of its firing alerts (of all of them when
 * none fires). One delivery holds one alert name, whose alerts may differ in severity (an
 * SLO's page and ticket, alerts raised by code).
 */
export function deliverySeverity (delivery: Delivery): Severity {
  const firing = delivery.notifications.filter((n) => n.status === 'firing')
  let highest = -1
  for (const n of firing.length > 0 ? firing : delivery.notifications) highest = Math.max(highest, SEVERITIES.indexOf(n.alert.severity))
  return SEVERITIES[highest] ?? 'warning'
}

/**
 * The idempotency key of a delivery, sent as the `Idempotency-Key` header: the key of its one
 * notification, or a digest of the keys of several. A retry of the same notifications has the
 * same key, so a receiver that got the first attempt (an answer that came too late) drops it.
 */
export function deliveryKey (delivery: Delivery): string {
  const keys = delivery.notifications.map((n) => n.idempotencyKey)
  return keys.length === 1 ? keys[0]! : createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32)
}
