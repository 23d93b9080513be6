import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '../src/index.js'
import { startPrometheus } from '../../../test-support/prometheus.js'
import { waitFor } from '../../../test-support/wait-for.js'

// A counter registered without `_total` is named `jobs_done_total` by Prometheus when it scrapes
// OpenMetrics (its default), and after the protobuf family when native histograms are on: the
// series must not change name when the flag is turned on.
test('a counter registered without _total keeps its series name in Prometheus whether it scrapes protobuf or OpenMetrics', async (t) => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false })
  app.metrics.counter({ name: 'jobs_done', help: 'Jobs done.', labelNames: ['queue'] }).inc({ queue: 'mail' }, 3)
  // The same registry in the text format 0.0.4, which names the samples as registered.
  app.get('/metrics-text', { config: { metrics: false } }, async (_request, reply) => {
    const { contentType, body } = await app.metrics.render()
    return reply.type(contentType).send(body)
  })
  const served = new Set<string>()
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/metrics')) served.add(String(reply.getHeader('content-type')).split(';')[0]!)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const target = `127.0.0.1:${port}`

  const withNative = await startPrometheus({ jobs: [{ name: 'protobuf', targets: [target] }], flags: ['--enable-feature=native-histograms'] })
  t.teardown(() => withNative.stop())
  const without = await startPrometheus({
    jobs: [{ name: 'openmetrics', targets: [target] }, { name: 'text', targets: [target], metricsPath: '/metrics-text' }]
  })
  t.teardown(() => without.stop())

  const seriesName = async (prometheus: typeof without, job: string): Promise<string> => await waitFor(`the ${job} series`, async () => {
    const [sample] = await prometheus.query(`{__name__=~"jobs_done.*",job="${job}",queue="mail"}`)
    return sample?.metric.__name__
  })
  const protobuf = await seriesName(withNative, 'protobuf')
  const openMetrics = await seriesName(without, 'openmetrics')
  const text = await seriesName(without, 'text')
  t.same([...served].sort(), ['application/openmetrics-text', 'application/vnd.google.protobuf', 'text/plain'], 'each format was served')
  t.equal(protobuf, openMetrics, 'the same series name from protobuf as from OpenMetrics')
  t.equal(protobuf, 'jobs_done_total')
  // The text format names the samples as registered, and Prometheus keeps that name (see README).
  t.equal(text, 'jobs_done')
  const [value] = await withNative.query('jobs_done_total{job="protobuf"}')
  t.equal(value?.value[1], '3')
})
