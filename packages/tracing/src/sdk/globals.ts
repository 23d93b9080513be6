import { context, propagation, trace, type TracerProvider } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core'

/**
 * Makes `provider` the process's tracer provider, with the AsyncLocalStorage context manager and
 * W3C trace context and baggage propagation: what `NodeTracerProvider.register()` did before
 * OpenTelemetry JS 3 left it to the SDK's user. `OTEL_PROPAGATORS` is not read.
 */
export function registerGlobals (provider: TracerProvider): void {
  trace.setGlobalTracerProvider(provider)
  context.setGlobalContextManager(new AsyncLocalStorageContextManager())
  propagation.setGlobalPropagator(new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()]
  }))
}

/** Undoes `registerGlobals`: the API is a no-op again, and can be registered anew. */
export function unregisterGlobals (): void {
  trace.disable()
  context.disable()
  propagation.disable()
}
