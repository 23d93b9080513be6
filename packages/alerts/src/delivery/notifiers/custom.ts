import type { AlertNotification } from '../../engine/alert.js'
import { InvalidOptionError } from '../../errors.js'
import type { NotifierModule } from '../types.js'

/** A notifier written in code (PagerDuty, a queue, a test double): throw to fail the attempt. */
export interface CustomNotifierConfig {
  type: 'custom'
  send: (notifications: readonly AlertNotification[], context: { channel: string, signal: AbortSignal }) => Promise<void> | void
}

export const custom: NotifierModule<CustomNotifierConfig> = {
  options: { send: true },
  validate (config, at) {
    if (typeof config.send !== 'function') throw new InvalidOptionError(`${at}.send`, 'expected a function')
  },
  create: (config, { channel }) => ({
    type: 'custom',
    send: async (delivery, signal) => { await config.send(delivery.notifications, { channel, signal }) }
  })
}
