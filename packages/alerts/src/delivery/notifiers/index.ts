import { assertKnownOptions } from '@obs/core'
import { InvalidOptionError } from '../../errors.js'
import type { DeliverySettings } from '../settings.js'
import type { Notifier, NotifierContext, NotifierModule } from '../types.js'
import { alertmanager, type AlertmanagerConfig } from './alertmanager.js'
import { custom, type CustomNotifierConfig } from './custom.js'
import { email, type EmailConfig } from './email.js'
import { slack, type SlackConfig } from './slack.js'
import { webhook, type WebhookConfig } from './webhook.js'

/** Every kind of notifier, by `type`: each module owns its configuration, its check and its factory. */
const NOTIFIERS = { webhook, slack, email, alertmanager, custom } as const

export type NotifierType = keyof typeof NOTIFIERS

export type NotifierConfig = (WebhookConfig | SlackConfig | EmailConfig | AlertmanagerConfig | CustomNotifierConfig) & {
  /** Overrides the plugin's `delivery` settings for this channel. */
  delivery?: Partial<DeliverySettings>
}

export const NOTIFIER_TYPES = Object.keys(NOTIFIERS) as NotifierType[]

function moduleOf (config: NotifierConfig): NotifierModule<NotifierConfig> | undefined {
  return Object.hasOwn(NOTIFIERS, config.type) ? NOTIFIERS[config.type] as NotifierModule<NotifierConfig> : undefined
}

/** Whether `type` names a notifier, and the configuration checks out; throws the module's coded error. */
export function validateNotifier (config: NotifierConfig, at: string): boolean {
  const module = moduleOf(config)
  if (module === undefined) return false
  assertKnownOptions(config, [...Object.keys(module.options), 'type', 'delivery'], InvalidOptionError, `${at}.`)
  module.validate(config, at)
  return true
}

/** A notifier for a validated configuration. */
export function createNotifier (config: NotifierConfig, context: NotifierContext): Notifier {
  return moduleOf(config)!.create(config, context)
}
