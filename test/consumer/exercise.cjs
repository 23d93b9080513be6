// What both fresh apps do with the packages once loaded (each loads them its own way): register
// every plugin as the root README's quick start does, serve a request, and print what a user
// would check.
module.exports = async function exercise ({ Fastify, metrics, health, tracing, alerts }) {
  const app = Fastify()
  await app.register(metrics.default, { defaultLabels: { service: 'consumer' } })
  await app.register(tracing.default)
  await app.register(health.default)
  app.health.addCheck({ name: 'ping', check: health.pingCheck(async () => {}) })
  await app.register(alerts.default, { rules: [alerts.rules.errorRatio('HighErrorRatio').above(0.05).over('5m')] })
  app.get('/users/:id', async () => ({ ok: true }))
  await app.inject('/users/1')
  const scrape = await app.inject('/metrics')
  const ready = await app.inject('/health/ready')
  const listed = await app.inject('/alerts')
  await app.close()
  console.log(JSON.stringify({
    metrics: scrape.statusCode,
    counted: /http_requests_total\{[^}]*route="\/users\/:id"[^}]*\} 1/.test(scrape.body),
    ready: ready.statusCode,
    alerts: listed.statusCode
  }))
}
