/**
 * A fixed-capacity buffer that overwrites its oldest entry: what the span and log stores hold,
 * so that their memory is bounded by construction. A push is one array store and two additions.
 */
export class RingBuffer<T> {
  private readonly slots: Array<T | undefined>
  private next = 0
  private size = 0
  /** Entries ever pushed: the sequence number of the next one. */
  private pushed = 0

  constructor (readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity)
  }

  push (entry: T): void {
    this.slots[this.next] = entry
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1
    if (this.size < this.capacity) this.size++
    this.pushed++
  }

  get length (): number {
    return this.size
  }

  /** Sequence number of the newest entry (-1 before the first); entries are numbered from 0. */
  get lastSeq (): number {
    return this.pushed - 1
  }

  /** The entries held, oldest first, each with its sequence number. */
  * entries (): IterableIterator<[seq: number, entry: T]> {
    const first = this.pushed - this.size
    const start = this.size < this.capacity ? 0 : this.next
    for (let i = 0; i < this.size; i++) {
      yield [first + i, this.slots[(start + i) % this.capacity] as T]
    }
  }

  /** The entries held, oldest first. */
  toArray (): T[] {
    const out: T[] = []
    for (const [, entry] of this.entries()) out.push(entry)
    return out
  }

  clear (): void {
    this.slots.fill(undefined)
    this.next = 0
    this.size = 0
  }
}
