import { trace, type TracerProvider } from '@opentelemetry/api'

interface Flushable {
  forceFlush (): Promise<void>
}

/** The SDK provider behind `provider` (or the global one), when it can flush. */
function flushable (provider: TracerProvider | undefined): Flushable | undefined {
  let target: unknown = provider ?? trace.getTracerProvider()
  // The global provider is a proxy; the SDK's provider is its delegate.
  const proxy = target as { getDelegate?: () => unknown }
  if (typeof proxy.getDelegate === 'function') target = proxy.getDelegate()
  return typeof (target as Partial<Flushable>).forceFlush === 'function' ? target as Flushable : undefined
}

/**
 * Exports the spans the provider still holds, waiting at most `timeoutMs`: an unreachable
 * collector must not hold up the app's shutdown. Never rejects.
 */
export async function flushSpans (provider: TracerProvider | undefined, timeoutMs: number): Promise<void> {
  const target = flushable(provider)
  if (target === undefined) return
  let timer: NodeJS.Timeout | undefined
  // Not unref'd: closing the app waits for this bounded timer (cleared as soon as the flush
  // settles), so a flush in progress gets its time even when nothing else keeps the process up.
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs) })
  try {
    await Promise.race([target.forceFlush().catch(() => {}), timeout])
  } finally {
    clearTimeout(timer)
  }
}
