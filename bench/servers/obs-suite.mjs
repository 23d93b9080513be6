// The four @obs plugins as the demo registers them, for the servers that measure the whole suite:
// tracing at sampling 0.1 into an exporter that drops spans, no HTTP server instrumentation.
const dropExporter = { export (spans, done) { done({ code: 0 }) }, async shutdown () {}, async forceFlush () {} }

/** Starts the tracing SDK (once per process); returns it. */
export async function startSuiteTracing () {
  const { initTracing } = await import('@obs/tracing')
  return initTracing({ serviceName: 'bench', exporter: dropExporter, sampleRatio: 0.1, instrumentations: { httpServer: false } })
}

/** Registers metrics, tracing, health and alerts on `app`, after starting the SDK. */
export async function registerSuite (app) {
  await startSuiteTracing()
  const { default: metrics } = await import('@obs/metrics')
  const { default: tracing } = await import('@obs/tracing')
  const { default: health } = await import('@obs/health')
  const { default: alerts } = await import('@obs/alerts')
  const { agentRules } = await import('../../apps/agent/dist/src/alert-rules.js')
  await app.register(metrics, { defaultLabels: { service: 'bench', environment: 'bench' } })
  await app.register(tracing, { traceIdHeader: 'x-trace-id' })
  await app.register(health, { shutdown: { signals: false } })
  await app.register(alerts, { rules: agentRules(), interval: '15s' })
}
