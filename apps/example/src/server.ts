import Fastify from 'fastify'
import metrics from '@obs/metrics'

const app = Fastify({ logger: true })
await app.register(metrics, { defaultLabels: { service: 'example' } })

const answer = app.metrics.timed('answer', async (question: string) => {
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80))
  return { question, answer: 42, usage: { input: question.length * 4, output: 12 } }
}, { tokens: (result) => ({ model: 'simulated', inputTokens: result.usage.input, outputTokens: result.usage.output }) })

app.get('/ask/:question', async (request) => answer((request.params as { question: string }).question))
app.get('/flaky', async (_request, reply) => Math.random() < 0.2 ? reply.code(503).send({ error: 'try again' }) : { ok: true })

const port = Number(process.env.PORT ?? 3000)
await app.listen({ port, host: process.env.HOST ?? '0.0.0.0' })
app.log.info(`metrics on http://127.0.0.1:${port}/metrics, summary on /metrics/summary`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
}
