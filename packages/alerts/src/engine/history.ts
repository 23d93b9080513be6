import type { AlertView } from './alert.js'

/** The last `size` resolved alerts, in a fixed-size ring: newest first when listed. */
export class History {
  private readonly items: Array<AlertView | undefined>
  private next = 0
  private count = 0

  constructor (readonly size: number) {
    this.items = new Array(size)
  }

  add (alert: AlertView): void {
    if (this.size === 0) return
    this.items[this.next] = alert
    this.next = (this.next + 1) % this.size
    this.count = Math.min(this.count + 1, this.size)
  }

  /** Newest first; at most `limit`. */
  list (limit = this.count): AlertView[] {
    const out: AlertView[] = []
    for (let i = 1; i <= Math.min(limit, this.count); i++) out.push(this.items[(this.next - i + this.size) % this.size]!)
    return out
  }

  find (fingerprint: string): AlertView | undefined {
    return this.list().find((alert) => alert.fingerprint === fingerprint)
  }

  get length (): number {
    return this.count
  }
}
