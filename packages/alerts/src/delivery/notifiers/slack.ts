import type { AlertNotification } from '../../engine/alert.js'
import { checkHttpUrl, endpoint, postJson } from '../http.js'
import { type Delivery, deliveryKey, deliverySeverity, type NotifierModule } from '../types.js'

export interface SlackConfig {
  type: 'slack'
  /** The incoming webhook URL (`https://hooks.slack.com/services/…`). */
  url: string
  /** Only for legacy webhooks that may post elsewhere than their own channel. */
  channel?: string
  username?: string
  iconEmoji?: string
}

const ICON: Record<string, string> = { critical: ':rotating_light:', error: ':red_circle:', warning: ':warning:', info: ':information_source:' }

/** Slack's mrkdwn needs &, < and > escaped. */
function escape (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function clip (text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function line (n: AlertNotification): string {
  const { alert } = n
  const summary = alert.annotations.summary ?? alert.name
  const labels = Object.entries(alert.labels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`).join(', ')
  const ack = alert.acknowledged === null ? '' : ` _(acknowledged by ${escape(alert.acknowledged.by)})_`
  const link = /^https?:\/\//.test(alert.generatorURL) ? ` <${alert.generatorURL}|details>` : ''
  const resolution = n.status === 'resolved' && alert.annotations.resolution !== undefined ? `\n_Resolved: ${escape(alert.annotations.resolution)}_` : ''
  return `${n.status === 'resolved' ? ':white_check_mark:' : ICON[alert.severity]} *${escape(summary)}*${ack}${link}\n${escape(labels)}${alert.annotations.description === undefined ? '' : `\n${escape(alert.annotations.description)}`}${resolution}`
}

/** A Slack incoming-webhook message: `text` for notifications and fallbacks, blocks for the channel. */
export function slackPayload (delivery: Delivery, config: Pick<SlackConfig, 'channel' | 'username' | 'iconEmoji'> = {}): Record<string, unknown> {
  const firing = delivery.notifications.filter((n) => n.status === 'firing')
  const status = firing.length > 0 ? 'FIRING' : 'RESOLVED'
  const title = `[${status}${firing.length > 1 ? `:${firing.length}` : ''}] ${delivery.alertname} (${deliverySeverity(delivery)})`
  // Slack: a header is at most 150 characters, a section's text at most 3000, 50 blocks at most.
  const sections = delivery.notifications.slice(0, 40).map((n) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(line(n), 3000) } }))
  const more = delivery.notifications.length - sections.length
  return {
    // The fallback text is mrkdwn too: unescaped, `<!channel>` in a label would notify everyone.
    text: clip(escape(`${title}: ${delivery.notifications.map((n) => n.alert.annotations.summary ?? n.alert.name).join('; ')}`), 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(title, 150) } },
      ...sections,
      ...(more > 0 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${more} more` }] }] : [])
    ],
    ...(config.channel === undefined ? {} : { channel: config.channel }),
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.iconEmoji === undefined ? {} : { icon_emoji: config.iconEmoji })
  }
}

export const slack: NotifierModule<SlackConfig> = {
  options: { url: true, channel: true, username: true, iconEmoji: true },
  validate (config, at) {
    checkHttpUrl(`${at}.url`, config.url)
  },
  create (config) {
    const to = endpoint(config.url)
    return {
      type: 'slack',
      // The URL alone authorizes a post: its path is the credential.
      secretUrlPrefix: to.origin,
      async send (delivery, signal) {
        await postJson(to, slackPayload(delivery, config), { 'idempotency-key': deliveryKey(delivery) }, signal)
      }
    }
  }
}
