import type { Severity } from '../rules/types.js'
import { kCurrent } from '../symbols.js'

export type AlertState = 'pending' | 'firing' | 'resolved'

export interface Acknowledgement {
  by: string
  /** ISO 8601. */
  at: string
  comment?: string
}

/** An alert as `GET /alerts`, notifiers and `app.alerts` show it. Times are ISO 8601 strings. */
export interface AlertView {
  /** Hash of the labels, as Alertmanager computes it: the same labels are the same alert. */
  fingerprint: string
  /** The `alertname` label: the rule's name, or the title of an alert raised by code. */
  name: string
  state: AlertState
  severity: Severity
  /** `rule` for rule alerts, `code` for `app.alerts.raise()`. */
  source: 'rule' | 'code'
  labels: Record<string, string>
  annotations: Record<string, string>
  /** The expression's value at the last evaluation (null when not a number, and for raised alerts). */
  value: number | null
  /** When the condition started holding (pending since). */
  activeAt: string
  /** When it started firing; null while pending. */
  startsAt: string | null
  /** When it resolved; null while active. */
  endsAt: string | null
  acknowledged: Acknowledgement | null
  /** The channels its notifications go to. */
  channels: string[]
  generatorURL: string
  /** Anything given to `raise()` as metadata. */
  metadata?: Record<string, unknown>
}

/** What a notifier is asked to deliver: one alert at one moment. */
export interface AlertNotification {
  status: 'firing' | 'resolved'
  /** A reminder that a still-firing alert fires (after the repeat interval). */
  repeat: boolean
  alert: AlertView
  /**
   * The same for every attempt to deliver this transition (and for its reminders):
   * `<fingerprint>:<status>:<startsAt>`, so that a receiver can drop what it already has.
   */
  idempotencyKey: string
}

/** The idempotency key of an alert's transition: its fingerprint (Alertmanager's), status and start. */
export function idempotencyKey (alert: Pick<AlertView, 'fingerprint' | 'startsAt' | 'activeAt'>, status: AlertNotification['status']): string {
  return `${alert.fingerprint}:${status}:${alert.startsAt ?? alert.activeAt}`
}

/** A notification that can still read its alert as it is now (Alertmanager's re-sends). */
export interface LiveNotification extends AlertNotification {
  readonly [kCurrent]?: () => AlertView | undefined
}

/** The alert of a notification as it is now, while it is active; undefined once it is not. */
export function currentView (n: AlertNotification): AlertView | undefined {
  return (n as LiveNotification)[kCurrent]?.()
}
