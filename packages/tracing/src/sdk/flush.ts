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
 * Waits for `work` (a flush or a shutdown) at most `timeoutMs`: an unreachable collector must
 * not hold up the app's shutdown. Resolves true when the work settled in time, false when it
 * did not (it goes on in the background); never rejects.
 */
export async function settleWithin (work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  // Not unref'd: closing waits for this bounded timer (cleared as soon as the work settles), so
  // the work gets its time even when nothing else keeps the process up.
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(resolve, timeoutMs, false) })
  try {
    return await Promise.race([work.then(() => true, () => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Exports the spans the provider still holds, waiting at most `timeoutMs`. Never rejects. */
export async function flushSpans (provider: TracerProvider | undefined, timeoutMs: number): Promise<void> {
  const target = flushable(provider)
  if (target !== undefined) await settleWithin(target.forceFlush(), timeoutMs)
}

/** Exports the log records the running SDK's log export still holds, waiting at most `timeoutMs`. */
export async function flushLogs (logs: { forceFlush (): Promise<void> } | undefined, timeoutMs: number): Promise<void> {
  if (logs !== undefined) await settleWithin(logs.forceFlush(), timeoutMs)
}
