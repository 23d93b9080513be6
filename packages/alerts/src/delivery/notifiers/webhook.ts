import { isIntegerAtLeast } from '@obs/core'
import type { AlertNotification } from '../../engine/alert.js'
import { InvalidOptionError } from '../../errors.js'
import { checkHttpUrl, endpoint, postJson } from '../http.js'
import { type Delivery, deliveryKey, type NotifierModule } from '../types.js'

export interface WebhookConfig {
  type: 'webhook'
  url: string
  headers?: Record<string, string>
  /** The most alerts in one message; more are counted in `truncatedAlerts`. Default 0 (all). */
  maxAlerts?: number
}

/** Alertmanager writes a zero time for an alert that has not ended. */
const ZERO_TIME = '0001-01-01T00:00:00Z'

export interface WebhookAlert {
  status: 'firing' | 'resolved'
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  generatorURL: string
  fingerprint: string
  /** `<fingerprint>:<status>:<startsAt>`: the same on every retry, so that receivers can drop repeats. */
  idempotencyKey: string
}

/** The Alertmanager webhook payload, version 4. */
export interface WebhookPayload {
  version: '4'
  groupKey: string
  truncatedAlerts: number
  status: 'firing' | 'resolved'
  receiver: string
  groupLabels: Record<string, string>
  commonLabels: Record<string, string>
  commonAnnotations: Record<string, string>
  externalURL: string
  alerts: WebhookAlert[]
}

/** Labels (or annotations) that every alert has with the same value. */
export function common (maps: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  if (maps.length === 0) return {}
  const out: Record<string, string> = { ...maps[0] }
  for (const map of maps.slice(1)) {
    for (const name of Object.keys(out)) if (map[name] !== out[name]) delete out[name]
  }
  return out
}

export function webhookAlert (n: AlertNotification): WebhookAlert {
  const { alert } = n
  return {
    status: n.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt ?? alert.activeAt,
    endsAt: n.status === 'resolved' ? alert.endsAt ?? ZERO_TIME : ZERO_TIME,
    generatorURL: alert.generatorURL,
    fingerprint: alert.fingerprint,
    idempotencyKey: n.idempotencyKey
  }
}

export function webhookPayload (delivery: Delivery, externalURL: string, maxAlerts = 0): WebhookPayload {
  const all = delivery.notifications.map(webhookAlert)
  const alerts = maxAlerts > 0 ? all.slice(0, maxAlerts) : all
  return {
    version: '4',
    groupKey: delivery.groupKey,
    truncatedAlerts: all.length - alerts.length,
    status: all.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: delivery.channel,
    groupLabels: { alertname: delivery.alertname },
    commonLabels: common(all.map((a) => a.labels)),
    commonAnnotations: common(all.map((a) => a.annotations)),
    externalURL,
    alerts
  }
}

/** POSTs the Alertmanager webhook v4 payload, so receivers written for Alertmanager work as they are. */
export const webhook: NotifierModule<WebhookConfig> = {
  options: { url: true, headers: true, maxAlerts: true },
  validate (config, at) {
    checkHttpUrl(`${at}.url`, config.url)
    if (config.maxAlerts !== undefined && !isIntegerAtLeast(config.maxAlerts, 0)) {
      throw new InvalidOptionError(`${at}.maxAlerts`, 'expected an integer ≥ 0')
    }
  },
  create (config, { externalUrl }) {
    const to = endpoint(config.url, config.headers)
    return {
      type: 'webhook',
      // The URL alone authorizes a post: its path is the credential.
      secretUrlPrefix: to.origin,
      async send (delivery, signal) {
        await postJson(to, webhookPayload(delivery, externalUrl, config.maxAlerts), { 'idempotency-key': deliveryKey(delivery) }, signal)
      }
    }
  }
}
