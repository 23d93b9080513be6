import { initTracing, type TracingSdk } from '@obs/tracing'
import type { AgentConfig } from './config.js'

/**
 * Starts OpenTelemetry for the service: spans go to OTLP when an endpoint is set
 * (OTEL_EXPORTER_OTLP_ENDPOINT and friends, sampling from OTEL_TRACES_SAMPLER*), nowhere otherwise.
 */
export function startTracing (config: AgentConfig, env: NodeJS.ProcessEnv = process.env): TracingSdk {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  return initTracing({
    serviceName: config.serviceName,
    environment: config.environment,
    // HTTP server instrumentation would start a second span for what the plugin already
    // traces (about 20 µs a request); outbound calls keep theirs.
    instrumentations: { httpServer: false },
    ...(endpoint === undefined ? { exporter: 'none' as const } : {})
  })
}
