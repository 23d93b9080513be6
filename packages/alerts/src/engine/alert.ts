import type { Severity } from '../rules/types.js'

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

/** The mutable state behind a view; times are milliseconds since the epoch. */
export class AlertInstance {
  state: AlertState = 'pending'
  value = NaN
  annotations: Record<string, string> = {}
  /** For rule alerts: the key of the sample its annotations were rendered from, and the evaluation that last saw it. */
  sampleKey: string | undefined
  seen = 0
  firedAt: number | undefined
  resolvedAt: number | undefined
  keepFiringSince: number | undefined
  lastNotifiedAt: number | undefined
  acknowledged: Acknowledgement | null = null
  metadata: Record<string, unknown> | undefined
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

  view (): AlertView {
    const iso = (ms: number | undefined): string | null => ms === undefined ? null : new Date(ms).toISOString()
    return {
      fingerprint: this.fingerprint,
      name: this.name,
      state: this.state,
      severity: this.severity,
      source: this.source,
      labels: { ...this.labels },
      annotations: { ...this.annotations },
      value: Number.isFinite(this.value) ? this.value : null,
      activeAt: new Date(this.activeAt).toISOString(),
      startsAt: iso(this.firedAt),
      endsAt: iso(this.resolvedAt),
      acknowledged: this.acknowledged === null ? null : { ...this.acknowledged },
      channels: [...this.channels],
      generatorURL: this.generatorURL,
      ...(this.metadata === undefined ? {} : { metadata: this.metadata })
    }
  }
}

/** What a notifier is asked to deliver: one alert at one moment. */
export interface AlertNotification {
  status: 'firing' | 'resolved'
  /** A reminder that a still-firing alert fires (after the repeat interval). */
  repeat: boolean
  alert: AlertView
}
