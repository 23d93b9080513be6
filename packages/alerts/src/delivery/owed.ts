import type { AlertNotification } from '../engine/alert.js'

/** A notification a channel has not delivered yet, since when, and how many attempts it went out with. */
export interface Owed {
  readonly notification: AlertNotification
  /** When it was owed (the plugin's clock): it is given up once older than the channel's `owedMs`. */
  readonly since: number
  /** Its place in the order notifications were owed in. */
  readonly seq: number
  attempts: number
}

/** Alerts a receiver was told fired, kept at most this many (the oldest are forgotten first). */
const TOLD_LIMIT = 10_000

/**
 * What one channel owes its receiver, at most `limit` notifications, oldest first: the newest
 * state of an alert replaces an older one still owed (keeping its place), so a receiver that
 * was down hears each alert once, as it is now. Also which alerts the receiver was told fired:
 * a resolution goes only to a receiver that heard the alert fire (as Alertmanager's
 * notification log does), so no receiver hears "resolved" for an alert it never saw.
 */
export class OwedNotifications {
  private readonly owed = new Map<string, Owed>()
  private readonly told = new Set<string>()
  /** The batch being sent: never pushed out by newer notifications. */
  private sending: ReadonlySet<Owed> = new Set()
  private seq = 0
  /** Set once a failed batch went to the back: the order is put back when the endpoint answers. */
  private rotated = false

  constructor (private readonly limit: number, private readonly stateful: boolean) {}

  get size (): number {
    return this.owed.size
  }

  /** Owes a notification; returns the entry that `limit` pushed out, if any. */
  add (notification: AlertNotification, now: number): Owed | undefined {
    const fp = notification.alert.fingerprint
    const existing = this.owed.get(fp)
    if (existing !== undefined) {
      // Map.set on a present key keeps its place: an update does not jump the queue.
      this.owed.set(fp, { notification, since: existing.since, seq: existing.seq, attempts: 0 })
      return undefined
    }
    this.owed.set(fp, { notification, since: now, seq: this.seq++, attempts: 0 })
    if (this.owed.size <= this.limit) return undefined
    for (const [key, entry] of this.owed) {
      if (this.sending.has(entry)) continue
      this.owed.delete(key)
      return entry
    }
    return undefined
  }

  /**
   * The next delivery: every owed notification of the alert name owed longest, in order.
   * Resolutions of alerts the receiver never heard fire are dropped here (stateful receivers,
   * which keep their own state, get them all).
   */
  next (): Owed[] {
    let name: string | undefined
    const batch: Owed[] = []
    for (const [fp, entry] of this.owed) {
      const n = entry.notification
      if (!this.stateful && n.status === 'resolved' && !this.told.has(fp)) {
        this.owed.delete(fp)
        continue
      }
      name ??= n.alert.name
      if (n.alert.name === name) batch.push(entry)
    }
    this.sending = new Set(batch)
    return batch
  }

  /**
   * The batch failed and stays owed. With `rotate` (the endpoint has failed past its retries),
   * it goes behind the others: one alert name that an endpoint keeps refusing (a payload it
   * chokes on) does not hold back the rest.
   */
  failed (batch: readonly Owed[], rotate: boolean): void {
    this.sending = new Set()
    if (!rotate) return
    this.rotated = true
    for (const entry of batch) {
      const fp = entry.notification.alert.fingerprint
      if (this.owed.get(fp) !== entry) continue
      this.owed.delete(fp)
      this.owed.set(fp, entry)
    }
  }

  /** The batch was delivered: what was not replaced meanwhile is no longer owed. */
  delivered (batch: readonly Owed[]): void {
    this.sending = new Set()
    for (const entry of batch) {
      const fp = entry.notification.alert.fingerprint
      if (entry.notification.status === 'firing') {
        this.told.delete(fp)
        this.told.add(fp)
        if (this.told.size > TOLD_LIMIT) this.told.delete(this.told.values().next().value!)
      } else {
        this.told.delete(fp)
      }
      if (this.owed.get(fp) === entry) this.owed.delete(fp)
    }
    if (this.rotated) {
      // The endpoint answers again: what is left goes in the order it was owed.
      this.rotated = false
      const entries = [...this.owed].sort(([, a], [, b]) => a.seq - b.seq)
      this.owed.clear()
      for (const [fp, entry] of entries) this.owed.set(fp, entry)
    }
  }

  /** Gives up entries (not replaced meanwhile); returns those removed. */
  drop (entries: readonly Owed[]): Owed[] {
    this.sending = new Set()
    const out: Owed[] = []
    for (const entry of entries) {
      const fp = entry.notification.alert.fingerprint
      if (this.owed.get(fp) !== entry) continue
      this.owed.delete(fp)
      out.push(entry)
    }
    return out
  }

  /** What the state file keeps: the notifications owed, and which alerts the receiver was told fired. */
  save (): { owed: Array<{ notification: AlertNotification, since: number }>, told: string[] } {
    return { owed: [...this.owed.values()].map(({ notification, since }) => ({ notification, since })), told: [...this.told] }
  }

  /** Back from the state file (before anything is owed). */
  restore (saved: { owed: ReadonlyArray<{ notification: AlertNotification, since: number }>, told: readonly string[] }): void {
    for (const fp of saved.told.slice(-TOLD_LIMIT)) this.told.add(fp)
    for (const { notification, since } of saved.owed.slice(-this.limit)) {
      this.owed.set(notification.alert.fingerprint, { notification, since, seq: this.seq++, attempts: 0 })
    }
  }

  /** Entries owed since before `before`. */
  olderThan (before: number): Owed[] {
    return [...this.owed.values()].filter((entry) => entry.since < before)
  }

  all (): Owed[] {
    return [...this.owed.values()]
  }
}
