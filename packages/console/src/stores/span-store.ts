import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace'
import { RingBuffer } from './ring-buffer.js'

/**
 * The most recent ended spans of the process: a span processor that keeps each span the SDK
 * hands it, as it is, in a ring buffer. Nothing is copied or computed when a span ends; traces
 * are assembled only when the console asks.
 */
export class SpanStore implements SpanProcessor {
  private readonly spans: RingBuffer<ReadableSpan>

  constructor (capacity: number) {
    this.spans = new RingBuffer(capacity)
  }

  get capacity (): number {
    return this.spans.capacity
  }

  get length (): number {
    return this.spans.length
  }

  onStart (): void {}

  onEnd (span: ReadableSpan): void {
    this.spans.push(span)
  }

  /** The spans held, oldest first. */
  toArray (): ReadableSpan[] {
    return this.spans.toArray()
  }

  clear (): void {
    this.spans.clear()
  }

  async forceFlush (): Promise<void> {}
  async shutdown (): Promise<void> {}
}
