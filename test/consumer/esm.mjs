// A fresh ESM app that registers every published package, as the root README's quick start does.
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import health from '@obs/health'
import tracing from '@obs/tracing'
import alerts, { rules } from '@obs/alerts'

const app = Fastify()
await app.register(metrics, { defaultLabels: { service: 'consumer' } })
await app.register(tracing)
await app.register(health)
await app.register(alerts, { rules: [rules.errorRatio('HighErrorRatio').above(0.05).over('5m')] })
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
