import type { Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace'
import { type Discardable, kDiscarded } from '../symbols.js'

const isDiscarded = (span: object): boolean => (span as Discardable)[kDiscarded] === true

/**
 * The provider's one span processor: the exporting processors chosen at start, and readers that
 * join later (an in-process span store such as @obs/console's), which a provider built by the SDK
 * cannot take once constructed. Spans the Fastify plugin discarded (see symbols.ts) reach none of
 * them. The list is replaced, never changed in place, so a span ending during `add` or a removal
 * sees one whole list.
 */
export class SpanProcessorList implements SpanProcessor {
  private processors: readonly SpanProcessor[]

  constructor (processors: readonly SpanProcessor[]) {
    this.processors = processors
  }

  /** Adds a processor; the function returned removes it (without shutting it down). */
  add (processor: SpanProcessor): () => void {
    this.processors = [...this.processors, processor]
    return () => { this.processors = this.processors.filter((p) => p !== processor) }
  }

  onStart (span: Span, parentContext: Context): void {
    for (const processor of this.processors) processor.onStart(span, parentContext)
  }

  // Optional (and experimental) in the SDK: only a processor that has it gets it.
  onEnding (span: Span): void {
    if (isDiscarded(span)) return
    for (const processor of this.processors) processor.onEnding?.(span)
  }

  onEnd (span: ReadableSpan): void {
    if (isDiscarded(span)) return
    for (const processor of this.processors) processor.onEnd(span)
  }

  async forceFlush (): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.forceFlush()))
  }

  async shutdown (): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.shutdown()))
  }
}
