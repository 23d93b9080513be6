/** A seeded pseudo-random source (mulberry32), so simulations can be replayed in tests. */
export class Random {
  private state: number

  constructor (seed = Date.now()) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Standard normal, by Box-Muller. */
  normal (): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Log-normal with the given median and shape: latencies look like this, with a long tail. */
  logNormal (median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  chance (probability: number): boolean {
    return this.next() < probability
  }

  pick<T> (items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }
}
