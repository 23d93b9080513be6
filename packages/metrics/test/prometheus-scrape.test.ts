import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '../src/index.js'
import { startPrometheus } from '../../../test-support/prometheus.js'
import { waitFor } from '../../../test-support/wait-for.js'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const HOSTILE = ['quote " inside', 'back\\slash', 'new\nline', '} curly {', 'utf-8 héllo ✓ 日本', '# EOF']

test('a real Prometheus scrapes both formats: up is 1 and the templated route holds its count', async (t) => {
  const app = Fastify()
  await app.register(metrics, { defaultLabels: { service: 'scrape-test' } })
  app.get('/users/:id', async () => ({ ok: true }))
  // The same registry, always in the text format, so that Prometheus parses that one too.
  app.get('/metrics-text', { config: { metrics: false } }, async (_request, reply) => {
    const { contentType, body } = await app.metrics.render()
    return reply.type(contentType).send(body)
  })
  const hostile = app.metrics.counter({ name: 'hostile_total', help: 'Label values that try to break the format.', labelNames: ['value'] })
  for (const value of HOSTILE) hostile.inc({ value })
  app.metrics.setExemplarSource(() => ({ trace_id: TRACE_ID }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  for (let id = 0; id < 7; id++) await fetch(`http://127.0.0.1:${port}/users/${id}`)

  const prometheus = await startPrometheus({
    jobs: [
      { name: 'openmetrics', targets: [`127.0.0.1:${port}`] },
      { name: 'text', targets: [`127.0.0.1:${port}`], metricsPath: '/metrics-text' }
    ],
    flags: ['--enable-feature=exemplar-storage']
  })
  t.teardown(() => prometheus.stop())

  for (const job of ['openmetrics', 'text']) {
    const up = await waitFor(`up{job="${job}"}`, async () => {
      const [sample] = await prometheus.query(`up{job="${job}"}`)
      return sample?.value[1] === '1' ? sample : undefined
    })
    t.equal(up.value[1], '1', `up is 1 for the ${job} job`)
    const count = await waitFor(`the ${job} count`, async () => {
      const [sample] = await prometheus.query(`http_requests_total{job="${job}",route="/users/:id",method="GET",status_code="200"}`)
      return sample
    })
    t.equal(count.value[1], '7', `http_requests_total for /users/:id is 7 through the ${job} job`)
    t.equal(count.metric.service, 'scrape-test', 'default labels arrive')
  }

  const targets = await prometheus.api<{ activeTargets: Array<{ health: string, lastError: string, scrapePool: string }> }>('/api/v1/targets')
  for (const target of targets.activeTargets) {
    t.equal(target.lastError, '', `${target.scrapePool}: no scrape error`)
    t.equal(target.health, 'up')
  }

  for (const job of ['openmetrics', 'text']) {
    const stored = (await prometheus.query(`hostile_total{job="${job}"}`)).map((s) => s.metric.value).sort()
    t.same(stored, [...HOSTILE].sort(), `hostile label values arrive intact through the ${job} job`)
  }

  // Exemplars exist only in OpenMetrics: finding ours proves Prometheus negotiated it and parsed them.
  const now = Date.now() / 1000
  const exemplars = await waitFor('exemplars', async () => {
    const data = await prometheus.api<Array<{ exemplars: Array<{ labels: Record<string, string> }> }>>(
      `/api/v1/query_exemplars?query=${encodeURIComponent('http_request_duration_seconds_bucket{job="openmetrics"}')}&start=${now - 300}&end=${now + 60}`)
    return data.length > 0 ? data : undefined
  })
  t.equal(exemplars[0]!.exemplars[0]!.labels.trace_id, TRACE_ID)
})
