import { test, type Test } from 'tap'
import Fastify from 'fastify'
import metrics, { type MetricsPluginOptions } from '../src/index.js'
import { buildApp } from './helpers.js'

const rejects = async (t: Test, options: unknown, code: string, message?: RegExp): Promise<void> => {
  const app = Fastify()
  await t.rejects(async () => { await app.register(metrics, options as MetricsPluginOptions) }, { code, ...(message === undefined ? {} : { message }) },
    `${JSON.stringify(options, (_k, v) => v instanceof RegExp ? String(v) : v)} → ${code}`)
}

test('bad options are coded errors at registration', async (t) => {
  await rejects(t, { buckets: [] }, 'OBS_METRICS_INVALID_BUCKETS')
  await rejects(t, { buckets: [1, 0.5] }, 'OBS_METRICS_INVALID_BUCKETS', /strictly increasing/)
  await rejects(t, { buckets: [0.1, NaN] }, 'OBS_METRICS_INVALID_BUCKETS')
  await rejects(t, { buckets: 'fast' }, 'OBS_METRICS_INVALID_BUCKETS')
  await rejects(t, { sizeBuckets: [1, 1] }, 'OBS_METRICS_INVALID_BUCKETS')
  await rejects(t, { prefix: '1bad-' }, 'OBS_METRICS_INVALID_NAME')
  await rejects(t, { defaultLabels: { le: '1' } }, 'OBS_METRICS_RESERVED_LABEL')
  await rejects(t, { defaultLabels: { route: 'x' } }, 'OBS_METRICS_RESERVED_LABEL')
  await rejects(t, { defaultLabels: { __name__: 'x' } }, 'OBS_METRICS_INVALID_LABEL')
  await rejects(t, { defaultLabels: { 'bad-name': 'x' } }, 'OBS_METRICS_INVALID_LABEL')
  await rejects(t, { defaultLabels: { service: { nested: true } } }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { path: 'metrics' }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { maxLabelSets: 0 }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { inFlight: 'yes' }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { exclude: ['/ok', 42] }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { auth: { bearerToken: '' } }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { registry: {} }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { summaryWindowSeconds: 0 }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { nativeHistograms: 'on' }, 'OBS_METRICS_INVALID_OPTION')
  await rejects(t, { nativeHistograms: { schema: 9 } }, 'OBS_METRICS_INVALID_OPTION', /nativeHistograms\.schema/)
  await rejects(t, { nativeHistograms: { maxBucket: 10 } }, 'OBS_METRICS_INVALID_OPTION', /did you mean "nativeHistograms\.maxBuckets"/)
})

test('a misspelled option is a coded error naming it and the nearest valid one', async (t) => {
  await rejects(t, { pathh: '/m' }, 'OBS_METRICS_INVALID_OPTION', /"pathh": unknown option; did you mean "path"\?/)
  await rejects(t, { maxLabelSet: 10 }, 'OBS_METRICS_INVALID_OPTION', /did you mean "maxLabelSets"/)
  await rejects(t, { colour: 'red' }, 'OBS_METRICS_INVALID_OPTION', /"colour": unknown option; the options are path, summaryPath/)
  // Fastify's own register options are Fastify's to read.
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, logLevel: 'warn' } as MetricsPluginOptions)
  t.ok(app.metrics)
})

test('a trailing +Inf bucket is accepted and not doubled', async (t) => {
  const app = await buildApp({ buckets: [0.1, 1, Infinity] })
  app.get('/', async () => 'x')
  await app.inject('/')
  const body = (await app.inject('/metrics')).body
  t.equal(body.split('\n').filter((l) => l.includes('le="+Inf"') && l.startsWith('http_request_duration')).length, 1)
})

test('bad application metric definitions are coded errors when created', async (t) => {
  const app = await buildApp({ defaultLabels: { service: 'svc' } })
  const m = app.metrics
  t.throws(() => m.counter({ name: 'bad name', help: 'x' }), { code: 'OBS_METRICS_INVALID_NAME' })
  t.throws(() => m.counter({ name: 'ok_total', help: '' }), { code: 'OBS_METRICS_INVALID_OPTION' })
  t.throws(() => m.counter({ name: 'ok_total', help: 'x', labelNames: ['service'] }), { code: 'OBS_METRICS_RESERVED_LABEL' })
  t.throws(() => m.histogram({ name: 'h_seconds', help: 'x', labelNames: ['le'] }), { code: 'OBS_METRICS_RESERVED_LABEL' })
  t.throws(() => m.summary({ name: 's_seconds', help: 'x', labelNames: ['quantile'] }), { code: 'OBS_METRICS_RESERVED_LABEL' })
  t.throws(() => m.gauge({ name: 'g', help: 'x', labelNames: ['a', 'a'] }), { code: 'OBS_METRICS_INVALID_LABEL' })
  t.throws(() => m.gauge({ name: 'g', help: 'x', labelNames: ['__reserved'] }), { code: 'OBS_METRICS_INVALID_LABEL' })
  t.throws(() => m.histogram({ name: 'h2_seconds', help: 'x', buckets: [2, 1] }), { code: 'OBS_METRICS_INVALID_BUCKETS' })
  t.throws(() => m.summary({ name: 's2_seconds', help: 'x', percentiles: [0.5, 1.5] }), { code: 'OBS_METRICS_INVALID_OPTION' })
  m.counter({ name: 'once_total', help: 'x' })
  t.throws(() => m.counter({ name: 'once_total', help: 'x' }), { code: 'OBS_METRICS_DUPLICATE_METRIC' })
  t.throws(() => m.gauge({ name: 'http_requests_total', help: 'x' }), { code: 'OBS_METRICS_DUPLICATE_METRIC' })
})

test('the agent metrics can be turned off, and then say so when used', async (t) => {
  const app = await buildApp({ agentMetrics: false })
  t.throws(() => app.metrics.agent, { code: 'OBS_METRICS_INVALID_OPTION' })
  t.notMatch((await app.inject('/metrics')).body, /gen_ai_/)
})
