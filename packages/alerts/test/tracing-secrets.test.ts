// A webhook's URL is its credential. Under @obs/tracing with HTTP client instrumentation, the
// client span of each delivery carried the URL's secret path to the collector.
import tap from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import metrics from '@obs/metrics'
// @obs/alerts does not depend on @obs/tracing (it finds `app.tracing` by shape): the test takes
// it from the workspace, as an app that registers both has it.
import tracing, { initTracing } from '../../tracing/src/index.js'
import { startOtlpReceiver } from '../../../test-support/otlp-receiver.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import alerts, { type AlertsPluginOptions } from '../src/index.js'

interface OtlpJson {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ attributes: Array<{ key: string, value: { stringValue?: string } }> }> }> }>
}

const collector = await startOtlpReceiver((body) => JSON.parse(body.toString('utf8')) as OtlpJson)
const sdk = initTracing({
  serviceName: 'alerts-test',
  endpoint: collector.tracesUrl,
  protocol: 'http/json',
  instrumentations: { httpServer: false, httpClient: true, fetch: true },
  env: {}
})
tap.teardown(async () => {
  await sdk.shutdown()
  await collector.close()
})

/** Everything exported so far, as the collector received it, and the `url.full` of its spans. */
async function exported (): Promise<{ text: string, urls: string[] }> {
  await sdk.forceFlush()
  const spans = collector.exports.flatMap((e) => e.decoded.resourceSpans).flatMap((r) => r.scopeSpans).flatMap((s) => s.spans)
  return {
    text: collector.exports.map((e) => e.body.toString('utf8')).join('\n'),
    urls: spans.flatMap((span) => span.attributes.filter((a) => a.key === 'url.full').map((a) => a.value.stringValue ?? ''))
  }
}

// Alerts first, tracing after: the notifiers' URLs are marked at onReady, whatever the order.
async function buildApp (options: AlertsPluginOptions): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, agentMetrics: false })
  await app.register(alerts, { interval: false, ...options })
  await app.register(tracing)
  await app.ready()
  return app
}

tap.test('a webhook notifier\'s secret path reached the exported client span of its delivery: now REDACTED, until the channel is gone', async (t) => {
  const hooks = await startReceiver()
  const late = await startReceiver()
  t.teardown(() => Promise.all([hooks.close(), late.close()]))
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url: `${hooks.url}/hooks/T0001/s3cret-path-one` } } })
  let closed = false
  t.teardown(async () => { if (!closed) await app.close() })

  app.alerts.raise({ title: 'Down', severity: 'critical', resolveAfter: false })
  await hooks.waitForReceived(1)
  await app.alerts.flush()
  t.equal(hooks.received[0]!.url, '/hooks/T0001/s3cret-path-one', 'delivered to the real path')
  let seen = await exported()
  t.ok(seen.urls.includes(`${hooks.url}/REDACTED`), 'the delivery\'s client span was exported, its path redacted')
  t.notMatch(seen.text, /s3cret-path-one/, 'the secret path is nowhere in what the collector got')

  app.alerts.addNotifier('late', { type: 'webhook', url: `${late.url}/hooks/T0002/s3cret-path-two` })
  app.alerts.raise({ title: 'Late', severity: 'critical', resolveAfter: false, channels: ['late'] })
  await late.waitForReceived(1)
  await app.alerts.flush()
  seen = await exported()
  t.ok(seen.urls.includes(`${late.url}/REDACTED`), 'a channel added with addNotifier after onReady is redacted too')
  t.notMatch(seen.text, /s3cret-path-two/, 'nor is its secret path')

  t.ok(await app.alerts.removeNotifier('late'))
  await (await fetch(`${late.url}/public/after-removal`)).text()
  t.ok((await exported()).urls.includes(`${late.url}/public/after-removal`), 'removeNotifier unmarks its URL')

  await app.close()
  closed = true
  await (await fetch(`${hooks.url}/public/after-close`)).text()
  t.ok((await exported()).urls.includes(`${hooks.url}/public/after-close`), 'closing the app unmarks the rest')
})

tap.test('without @obs/tracing, notifiers deliver as before', async (t) => {
  const hooks = await startReceiver()
  t.teardown(() => hooks.close())
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { processMetrics: false, agentMetrics: false })
  await app.register(alerts, { interval: false, notifiers: { hook: { type: 'webhook', url: `${hooks.url}/hooks/s3cret` } } })
  await app.ready()
  app.alerts.raise({ title: 'Down', severity: 'critical', resolveAfter: false })
  t.equal((await hooks.waitForReceived(1))[0]!.url, '/hooks/s3cret')
})
