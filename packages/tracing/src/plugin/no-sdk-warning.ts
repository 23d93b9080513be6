import { ProxyTracerProvider, trace } from '@opentelemetry/api'
import { runningTracingSdk } from '../sdk/sdk.js'

// What the global tracer provider delegates to while no SDK has registered one.
const NO_SDK = new ProxyTracerProvider().getDelegate()
// The hint below is about the process (its global provider), so it is given once per process.
let warnedNoSdk = false

/**
 * A plugin that traces into the global provider when nothing was registered there says so once;
 * an SDK turned off on purpose (`OTEL_SDK_DISABLED=true`) is not a mistake.
 */
export function warnWithoutSdk (): void {
  if (warnedNoSdk || runningTracingSdk() !== undefined) return
  const global = trace.getTracerProvider() as Partial<ProxyTracerProvider>
  if (typeof global.getDelegate !== 'function' || global.getDelegate() !== NO_SDK) return
  warnedNoSdk = true
  process.emitWarning('@obs/tracing is registered but no OpenTelemetry SDK is started: no span will be recorded or exported. ' +
    'Call initTracing() before the app serves, start the app with --import @obs/tracing/register, or pass tracerProvider.',
  { code: 'OBS_TRACING_NO_SDK' })
}
