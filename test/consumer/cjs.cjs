// A fresh CommonJS app: require() of the ESM packages (Node's require(esm)).
const Fastify = require('fastify')
const metrics = require('@obs/metrics')
const health = require('@obs/health')
const tracing = require('@obs/tracing')
const alerts = require('@obs/alerts')

async function main () {
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
main()
