import { isIntegerAtLeast } from '@obs/core'
import { RingBuffer } from './ring-buffer.js'

/** Where a log line goes besides the store: anything with pino's `write(string)`. */
export interface LogDestination {
  write (chunk: string): unknown
}

/**
 * The most recent log lines, as the logger wrote them: a pino destination that keeps the raw
 * lines in a ring buffer and does nothing else (they are parsed only when the console asks).
 * Create it before Fastify, since the logger is built with the app; give it to Fastify through
 * `logTee()` and to the plugin as its `logs` option.
 */
export class LogStore {
  private readonly lines: RingBuffer<string>

  constructor (capacity = 1000) {
    if (!isIntegerAtLeast(capacity, 1)) throw new RangeError('LogStore capacity: expected a positive integer')
    this.lines = new RingBuffer(capacity)
  }

  get capacity (): number {
    return this.lines.capacity
  }

  get length (): number {
    return this.lines.length
  }

  /** Sequence number of the newest line (-1 before the first). */
  get lastSeq (): number {
    return this.lines.lastSeq
  }

  /** pino calls this once per line; a chunk holding several lines is split. */
  write (chunk: string | Uint8Array): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    let start = 0
    let end = text.indexOf('\n')
    while (end !== -1) {
      if (end > start) this.lines.push(text.slice(start, end))
      start = end + 1
      end = text.indexOf('\n', start)
    }
    if (start < text.length) this.lines.push(start === 0 ? text : text.slice(start))
    return true
  }

  /** The lines held, oldest first, with their sequence numbers. */
  entries (): IterableIterator<[seq: number, line: string]> {
    return this.lines.entries()
  }
}

/**
 * A pino destination that writes every line to `destination` (stdout by default) and keeps it in
 * `store`: `Fastify({ logger: { ...loggerOptions(), stream: logTee(logs) } })`.
 */
export function logTee (store: LogStore, destination: LogDestination = process.stdout): LogDestination {
  return {
    write (chunk: string) {
      store.write(chunk)
      return destination.write(chunk)
    }
  }
}
