import type { AlertNotification } from '../engine/alert.js'
import type { Channel } from './channel.js'

/**
 * Hands notifications to the channels they are routed to (each sends one message per alert
 * name, so a receiver gets one message for an alert that fires for ten routes). Acknowledged
 * alerts stop paging people; stateful receivers (Alertmanager) still hear of them, and re-send
 * rather than repeat.
 */
export class Dispatcher {
  constructor (readonly channels: ReadonlyMap<string, Channel>, private readonly now: () => number) {}

  dispatch (notifications: readonly AlertNotification[]): void {
    const byChannel = new Map<string, AlertNotification[]>()
    for (const n of notifications) {
      for (const name of n.alert.channels) {
        const channel = this.channels.get(name)
        if (channel === undefined) continue
        if (channel.stateful ? n.repeat : (n.status === 'firing' && n.alert.acknowledged !== null)) continue
        let list = byChannel.get(name)
        if (list === undefined) byChannel.set(name, list = [])
        list.push(n)
      }
    }
    for (const [name, list] of byChannel) {
      const channel = this.channels.get(name)!
      channel.notifier.track?.(list, this.now())
      channel.notify(list)
    }
  }

  async idle (timeoutMs: number): Promise<boolean> {
    const results = await Promise.all([...this.channels.values()].map((c) => c.idle(timeoutMs)))
    return results.every(Boolean)
  }

  /** Closes every channel; with `keep` (a state file), what they still owe stays owed. */
  async close (timeoutMs: number, keep = false): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.close(timeoutMs, keep)))
  }
}
