import { type AlertNotification, type AlertView, currentView } from '../../engine/alert.js'
import { optionDuration } from '../../promql/duration.js'
import { checkHttpUrl, endpoint, postJson } from '../http.js'
import type { Delivery, Notifier, NotifierModule } from '../types.js'

export interface AlertmanagerConfig {
  type: 'alertmanager'
  /** Alertmanager's base URL, e.g. `http://alertmanager:9093`. */
  url: string
  /** How often firing alerts are sent again. Default `1m`, as Prometheus' resend delay. */
  resendInterval?: string | number
  headers?: Record<string, string>
}

/** What Alertmanager's `POST /api/v2/alerts` takes. */
export interface PostableAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  generatorURL: string
}

/** Prometheus keeps sending a resolved alert for 15 minutes, so that no Alertmanager misses it. */
const RESOLVED_RETENTION_MS = 15 * 60_000

/**
 * A client of Alertmanager's API v2, which behaves as Prometheus does towards it: a firing
 * alert is sent with `endsAt` four resend intervals ahead and sent again every interval (so
 * that Alertmanager keeps it, and resolves it by itself if this process dies); a resolved alert
 * is sent with its real `endsAt`, and again for 15 minutes. What is sent is built when it is
 * sent: a firing alert from `live` (its annotations and value as they are now, an update by a
 * second `raise()` included), a resolved one from its resolution.
 */
export function alertmanagerNotifier (config: AlertmanagerConfig, resendIntervalMs: number): Notifier {
  const to = endpoint(`${config.url.replace(/\/+$/, '')}/api/v2/alerts`, config.headers)
  /** The last notification of every alert routed here, until a resolved one has been re-sent long enough. */
  const known = new Map<string, { notification: AlertNotification, forgetAt: number }>()
  /** The notification as it stands now: resolutions are final; a firing alert is read live. */
  const current = (n: AlertNotification): AlertNotification => {
    const last = known.get(n.alert.fingerprint)?.notification
    if (last?.status === 'resolved') return last
    const alert = currentView(n)
    return alert?.state === 'firing' ? { ...n, alert } : n
  }
  const postable = (n: AlertNotification, now: number): PostableAlert => {
    const alert: AlertView = n.alert
    return {
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt ?? alert.activeAt,
      endsAt: n.status === 'resolved' && alert.endsAt !== null ? alert.endsAt : new Date(now + 4 * resendIntervalMs).toISOString(),
      generatorURL: alert.generatorURL
    }
  }
  return {
    type: 'alertmanager',
    resendIntervalMs,
    track (notifications, now) {
      for (const n of notifications) {
        known.set(n.alert.fingerprint, { notification: n, forgetAt: n.status === 'resolved' ? now + RESOLVED_RETENTION_MS : Infinity })
      }
    },
    resend (now) {
      for (const [fp, entry] of known) if (entry.forgetAt <= now) known.delete(fp)
      if (known.size === 0) return undefined
      return { channel: '', groupKey: '{}:{}', alertname: '', notifications: [...known.values()].map((e) => e.notification), resend: true }
    },
    async send (delivery: Delivery, signal, now) {
      const alerts = new Map<string, PostableAlert>()
      for (const n of delivery.notifications) alerts.set(n.alert.fingerprint, postable(current(n), now))
      await postJson(to, [...alerts.values()], {}, signal)
    }
  }
}

/** Resend intervals shorter than this would flood Alertmanager. */
const MIN_RESEND_MS = 100

export const alertmanager: NotifierModule<AlertmanagerConfig> = {
  options: { url: true, resendInterval: true, headers: true },
  validate (config, at) {
    checkHttpUrl(`${at}.url`, config.url)
    if (config.resendInterval !== undefined) optionDuration(`${at}.resendInterval`, config.resendInterval, { min: MIN_RESEND_MS })
  },
  create: (config, { channel }) =>
    alertmanagerNotifier(config, optionDuration(`notifiers.${channel}.resendInterval`, config.resendInterval ?? '1m', { min: MIN_RESEND_MS }))
}
