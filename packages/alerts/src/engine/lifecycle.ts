import type { Severity } from '../rules/types.js'
import { kCurrent } from '../symbols.js'
import { type Acknowledgement, type AlertNotification, type AlertState, type AlertView, idempotencyKey } from './alert.js'

/** An alert as the state file keeps it across a restart (times in milliseconds). */
export interface SavedAlert {
  fingerprint: string
  name: string
  severity: Severity
  source: 'rule' | 'code'
  labels: Record<string, string>
  activeAt: number
  channels: string[]
  generatorURL: string
  state: AlertState
  firedAt?: number
  lastNotifiedAt?: number
  acknowledged: Acknowledgement | null
  value: number | null
  annotations: Record<string, string>
  metadata?: Record<string, unknown>
  keepFiringSince?: number
  expiresAt?: number
}

/**
 * One alert, and the only writer of its lifecycle: pending → firing → resolved, its
 * acknowledgement and when people were last notified. Rules and `raise()` decide when a
 * transition happens; the transition itself, and the notification it makes, happen here.
 * Times are milliseconds since the epoch.
 */
export class AlertInstance {
  private current: AlertState = 'pending'
  private firedAt: number | undefined
  private resolvedAt: number | undefined
  private lastNotifiedAt: number | undefined
  private ack: Acknowledgement | null = null
  /** The content, rewritten at each evaluation (or `raise()`): not part of the lifecycle. */
  value = NaN
  annotations: Record<string, string> = {}
  metadata: Record<string, unknown> | undefined
  /** For rule alerts: the key of the sample its annotations were rendered from, and the evaluation that last saw it. */
  sampleKey: string | undefined
  seen = 0
  keepFiringSince: number | undefined
  /** For raised alerts: resolved automatically at this time. */
  expiresAt: number | undefined

  constructor (
    readonly fingerprint: string,
    readonly name: string,
    readonly severity: Severity,
    readonly source: 'rule' | 'code',
    readonly labels: Readonly<Record<string, string>>,
    readonly activeAt: number,
    readonly channels: readonly string[],
    readonly generatorURL: string
  ) {}

  /** What the state file keeps of an active alert. */
  save (): SavedAlert {
    return {
      fingerprint: this.fingerprint,
      name: this.name,
      severity: this.severity,
      source: this.source,
      labels: { ...this.labels },
      activeAt: this.activeAt,
      channels: [...this.channels],
      generatorURL: this.generatorURL,
      state: this.current,
      ...(this.firedAt === undefined ? {} : { firedAt: this.firedAt }),
      ...(this.lastNotifiedAt === undefined ? {} : { lastNotifiedAt: this.lastNotifiedAt }),
      acknowledged: this.ack,
      value: Number.isFinite(this.value) ? this.value : null,
      annotations: this.annotations,
      ...(this.metadata === undefined ? {} : { metadata: this.metadata }),
      ...(this.keepFiringSince === undefined ? {} : { keepFiringSince: this.keepFiringSince }),
      ...(this.expiresAt === undefined ? {} : { expiresAt: this.expiresAt })
    }
  }

  /** An active alert back from the state file, as it was. */
  static restore (saved: SavedAlert): AlertInstance {
    const alert = new AlertInstance(saved.fingerprint, saved.name, saved.severity, saved.source, saved.labels, saved.activeAt, saved.channels, saved.generatorURL)
    alert.current = saved.state === 'firing' ? 'firing' : 'pending'
    alert.firedAt = saved.firedAt
    alert.lastNotifiedAt = saved.lastNotifiedAt
    alert.ack = saved.acknowledged
    alert.value = saved.value ?? NaN
    alert.annotations = saved.annotations
    alert.metadata = saved.metadata
    alert.keepFiringSince = saved.keepFiringSince
    alert.expiresAt = saved.expiresAt
    return alert
  }

  get state (): AlertState {
    return this.current
  }

  get acknowledged (): Acknowledgement | null {
    return this.ack
  }

  /** Pending → firing; returns the firing notification. */
  fire (now: number): AlertNotification {
    this.current = 'firing'
    this.firedAt = now
    this.lastNotifiedAt = now
    return this.notification(false)
  }

  /**
   * → resolved; returns the resolved notification (acknowledged or not). A message (how it was
   * resolved) becomes the `resolution` annotation, which every notifier carries.
   */
  resolve (now: number, message?: string): AlertNotification {
    this.current = 'resolved'
    this.resolvedAt = now
    if (message !== undefined) this.annotations = { ...this.annotations, resolution: message }
    return this.notification(false)
  }

  /** Stops firing and repeat notifications to people until the alert resolves. */
  acknowledge (ack: Acknowledgement): void {
    this.ack = ack
  }

  /** The repeat notification of a firing, unacknowledged alert, once `repeatMs` passed since the last. */
  repeat (now: number, repeatMs: number): AlertNotification | undefined {
    if (this.current !== 'firing' || this.ack !== null || this.lastNotifiedAt === undefined || now - this.lastNotifiedAt < repeatMs) return undefined
    this.lastNotifiedAt = now
    return this.notification(true)
  }

  private notification (repeat: boolean): AlertNotification {
    const status = this.current === 'resolved' ? 'resolved' : 'firing'
    const alert = this.view()
    const n: AlertNotification = { status, repeat, alert, idempotencyKey: idempotencyKey(alert, status) }
    // Non-enumerable: receivers and JSON see the notification as it is documented.
    Object.defineProperty(n, kCurrent, { value: () => this.current === 'resolved' ? undefined : this.view() })
    return n
  }

  view (): AlertView {
    const iso = (ms: number | undefined): string | null => ms === undefined ? null : new Date(ms).toISOString()
    return {
      fingerprint: this.fingerprint,
      name: this.name,
      state: this.current,
      severity: this.severity,
      source: this.source,
      labels: { ...this.labels },
      annotations: { ...this.annotations },
      value: Number.isFinite(this.value) ? this.value : null,
      activeAt: new Date(this.activeAt).toISOString(),
      startsAt: iso(this.firedAt),
      endsAt: iso(this.resolvedAt),
      acknowledged: this.ack === null ? null : { ...this.ack },
      channels: [...this.channels],
      generatorURL: this.generatorURL,
      ...(this.metadata === undefined ? {} : { metadata: this.metadata })
    }
  }
}
