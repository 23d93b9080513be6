import type { ResolvedDelivery, NotifierConfig } from '../../options.js'
import { optionDuration } from '../../promql/duration.js'
import { alertmanagerNotifier, type LiveAlerts } from './alertmanager.js'
import { emailNotifier } from './email.js'
import { slackNotifier } from './slack.js'
import type { Notifier } from '../types.js'
import { webhookNotifier } from './webhook.js'

/** A notifier for a validated configuration; `live` reads active alerts as they are now (for Alertmanager's re-sends). */
export function createNotifier (channel: string, config: NotifierConfig, delivery: ResolvedDelivery, externalUrl: string, live?: LiveAlerts): Notifier {
  switch (config.type) {
    case 'webhook': return webhookNotifier(config, externalUrl)
    case 'slack': return slackNotifier(config)
    case 'email': return emailNotifier(config, delivery.timeoutMs)
    case 'alertmanager': return alertmanagerNotifier(config, optionDuration(`notifiers.${channel}.resendInterval`, config.resendInterval ?? '1m', { min: 100 }), live)
    case 'custom': return {
      type: 'custom',
      send: async (d, signal) => { await config.send(d.notifications, { channel, signal }) }
    }
  }
}

export type { Notifier, Delivery, FailureReason } from '../types.js'
export { DeliveryError } from '../types.js'
