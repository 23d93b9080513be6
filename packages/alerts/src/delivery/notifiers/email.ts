import { assertKnownOptions, isIntegerAtLeast } from '@obs/core'
import type { Transporter } from 'nodemailer'
import type { AlertNotification } from '../../engine/alert.js'
import { InvalidOptionError } from '../../errors.js'
import { DeliveryError, type Delivery, deliveryKey, deliverySeverity, type Notifier, type NotifierModule } from '../types.js'

export interface EmailConfig {
  type: 'email'
  smtp: {
    host: string
    /** Default 587 (465 when `secure`). */
    port?: number
    /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
    secure?: boolean
    /** Refuse to send unless the server upgrades to TLS. */
    requireTLS?: boolean
    auth?: { user: string, pass: string }
    tls?: { rejectUnauthorized?: boolean, servername?: string }
  }
  from: string
  to: string | readonly string[]
  /** Prepended to the subject, e.g. `[agent-prod]`. */
  subjectPrefix?: string
}

function escapeHtml (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export function emailSubject (delivery: Delivery, prefix = ''): string {
  const firing = delivery.notifications.filter((n) => n.status === 'firing').length
  const status = firing > 0 ? `FIRING:${firing}` : 'RESOLVED'
  return `${prefix === '' ? '' : `${prefix} `}[${status}] ${delivery.alertname} (${deliverySeverity(delivery)})`
}

function alertLines (n: AlertNotification): string[] {
  const { alert } = n
  return [
    `${n.status === 'resolved' ? 'RESOLVED' : n.repeat ? 'STILL FIRING' : 'FIRING'}: ${alert.annotations.summary ?? alert.name}`,
    ...(alert.annotations.description === undefined ? [] : [alert.annotations.description]),
    `Severity: ${alert.severity}`,
    `Labels: ${Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(', ')}`,
    ...Object.entries(alert.annotations).filter(([k]) => k !== 'summary' && k !== 'description').map(([k, v]) => `${k}: ${v}`),
    `Started: ${alert.startsAt ?? alert.activeAt}${n.status === 'resolved' && alert.endsAt !== null ? `, resolved: ${alert.endsAt}` : ''}`,
    ...(alert.acknowledged === null ? [] : [`Acknowledged by ${alert.acknowledged.by} at ${alert.acknowledged.at}`]),
    // A link only when it is absolute (the plugin's externalUrl is set).
    ...(/^https?:\/\//.test(alert.generatorURL) ? [alert.generatorURL] : [])
  ]
}

export function emailBody (delivery: Delivery): { text: string, html: string } {
  const blocks = delivery.notifications.map(alertLines)
  const text = blocks.map((lines) => lines.join('\n')).join('\n\n') + '\n'
  const html = '<!doctype html><html><body>' + blocks.map((lines) =>
    `<p><strong>${escapeHtml(lines[0]!)}</strong><br>${lines.slice(1).map(escapeHtml).join('<br>')}</p>`).join('') + '</body></html>'
  return { text, html }
}

/** Maps nodemailer's errors: connection trouble and SMTP 4xx replies are retried, 5xx and bad credentials are not. */
function deliveryError (error: unknown, where: string): DeliveryError {
  const e = error as { code?: string, responseCode?: number, message?: string }
  const detail = `${where}: ${e.message ?? String(error)}`
  if (typeof e.responseCode === 'number') {
    return e.responseCode >= 500 ? new DeliveryError(detail, 'rejected', false) : new DeliveryError(detail, 'unavailable', true)
  }
  if (e.code === 'ETIMEDOUT') return new DeliveryError(detail, 'timeout', true)
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new DeliveryError(detail, 'rejected', false)
  return new DeliveryError(detail, 'connection', true)
}

/** Email over SMTP with nodemailer (loaded on first use). */
export function emailNotifier (config: EmailConfig, timeoutMs: number): Notifier {
  let transport: Promise<Transporter> | undefined
  const smtp = config.smtp
  const where = `SMTP ${smtp.host}:${smtp.port ?? (smtp.secure === true ? 465 : 587)}`
  const open = async (): Promise<Transporter> => {
    const { default: nodemailer } = await import('nodemailer')
    return nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port ?? (smtp.secure === true ? 465 : 587),
      secure: smtp.secure ?? false,
      requireTLS: smtp.requireTLS ?? false,
      ...(smtp.auth === undefined ? {} : { auth: smtp.auth }),
      ...(smtp.tls === undefined ? {} : { tls: smtp.tls }),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs
    })
  }
  return {
    type: 'email',
    // The channel races this against the attempt's time limit; nodemailer's own socket
    // timeouts end a connection that hangs.
    async send (delivery) {
      // A transport that failed to open is opened again by the next attempt.
      transport ??= open().catch((error: unknown) => {
        transport = undefined
        throw error
      })
      const { text, html } = emailBody(delivery)
      try {
        await (await transport).sendMail({
          from: config.from,
          to: typeof config.to === 'string' ? config.to : [...config.to],
          subject: emailSubject(delivery, config.subjectPrefix),
          text,
          html,
          headers: { 'X-Idempotency-Key': deliveryKey(delivery) }
        })
      } catch (error) {
        throw deliveryError(error, where)
      }
    },
    async close () {
      const opened = transport
      transport = undefined
      if (opened !== undefined) (await opened.catch(() => undefined))?.close()
    }
  }
}

const SMTP_OPTIONS: Record<keyof EmailConfig['smtp'], true> = { host: true, port: true, secure: true, requireTLS: true, auth: true, tls: true }

export const email: NotifierModule<EmailConfig> = {
  options: { smtp: true, from: true, to: true, subjectPrefix: true },
  validate (config, at) {
    const smtp = config.smtp as EmailConfig['smtp'] | undefined
    assertKnownOptions(smtp, SMTP_OPTIONS, InvalidOptionError, `${at}.smtp.`)
    if (typeof smtp?.host !== 'string' || smtp.host === '') throw new InvalidOptionError(`${at}.smtp.host`, 'expected the SMTP host')
    if (smtp.port !== undefined && !(isIntegerAtLeast(smtp.port, 1) && smtp.port < 65536)) throw new InvalidOptionError(`${at}.smtp.port`, 'expected a port number')
    if (typeof config.from !== 'string' || !config.from.includes('@')) throw new InvalidOptionError(`${at}.from`, 'expected an email address')
    const to = typeof config.to === 'string' ? [config.to] : config.to
    if (!Array.isArray(to) || to.length === 0 || !to.every((a) => typeof a === 'string' && a.includes('@'))) {
      throw new InvalidOptionError(`${at}.to`, 'expected an email address or a list of them')
    }
  },
  create: (config, { delivery }) => emailNotifier(config, delivery.timeoutMs)
}
