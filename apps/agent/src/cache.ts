/** Called when the cache is used: hit, miss, or entries evicted. */
export interface CacheEvents {
  hit (): void
  miss (): void
  evicted (count: number): void
}

/** A small LRU cache with a time to live, reporting hits, misses and evictions. */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V, expires: number }>()

  constructor (private readonly maxEntries: number, private readonly ttlMs: number, private readonly events: CacheEvents) {}

  get size (): number {
    return this.entries.size
  }

  get (key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined || entry.expires < Date.now()) {
      if (entry !== undefined) {
        this.entries.delete(key)
        this.events.evicted(1)
      }
      this.events.miss()
      return undefined
    }
    // Map keeps insertion order: moving the key to the end makes the first key the least recent.
    this.entries.delete(key)
    this.entries.set(key, entry)
    this.events.hit()
    return entry.value
  }

  set (key: string, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs })
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!)
      this.events.evicted(1)
    }
  }
}
