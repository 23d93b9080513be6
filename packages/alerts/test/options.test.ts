import { test, type Test } from 'tap'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import alerts, { type AlertsPluginOptions, defaults } from '../src/index.js'
import { buildApp } from './helpers.js'

const rejects = async (t: Test, options: unknown, code: string, message?: RegExp): Promise<void> => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false })
  await t.rejects(async () => { await app.register(alerts, options as AlertsPluginOptions) }, { code, ...(message === undefined ? {} : { message }) },
    `${JSON.stringify(options, (_k, v) => typeof v === 'function' ? 'fn' : v)} → ${code}`)
}

test('bad options are coded errors at registration', async (t) => {
  await rejects(t, { rules: 'x' }, 'OBS_ALERTS_INVALID_OPTION', /rules/)
  await rejects(t, { path: 'alerts' }, 'OBS_ALERTS_INVALID_OPTION', /path/)
  await rejects(t, { path: '/alerts/' }, 'OBS_ALERTS_INVALID_OPTION', /path/)
  await rejects(t, { interval: '1 minute' }, 'OBS_ALERTS_INVALID_OPTION', /interval/)
  await rejects(t, { interval: 10 }, 'OBS_ALERTS_INVALID_OPTION', /at least 100ms/)
  await rejects(t, { repeatInterval: 'often' }, 'OBS_ALERTS_INVALID_OPTION', /repeatInterval/)
  await rejects(t, { historySize: -1 }, 'OBS_ALERTS_INVALID_OPTION', /historySize/)
  await rejects(t, { resolveRaisedAfter: 'later' }, 'OBS_ALERTS_INVALID_OPTION', /resolveRaisedAfter/)
  await rejects(t, { metricsPrefix: '1x' }, 'OBS_ALERTS_INVALID_OPTION', /metricsPrefix/)
  await rejects(t, { externalUrl: 'agent.example.com' }, 'OBS_ALERTS_INVALID_OPTION', /externalUrl/)
  await rejects(t, { maxSeries: 0 }, 'OBS_ALERTS_INVALID_OPTION', /maxSeries/)
  await rejects(t, { maxGroups: 1.5 }, 'OBS_ALERTS_INVALID_OPTION', /maxGroups/)
  await rejects(t, { samplesPerWindow: 5 }, 'OBS_ALERTS_INVALID_OPTION', /samplesPerWindow/)
  await rejects(t, { checkTimeout: 0 }, 'OBS_ALERTS_INVALID_OPTION', /checkTimeout/)
  await rejects(t, { now: 5 }, 'OBS_ALERTS_INVALID_OPTION', /now/)
  await rejects(t, { auth: { bearerToken: '' } }, 'OBS_ALERTS_INVALID_OPTION', /auth/)
  await rejects(t, { ackAuth: 'secret' }, 'OBS_ALERTS_INVALID_OPTION', /ackAuth/)
  await rejects(t, { delivery: { retries: -1 } }, 'OBS_ALERTS_INVALID_OPTION', /delivery.retries/)
  await rejects(t, { delivery: { backoff: '10s', maxBackoff: '1s' } }, 'OBS_ALERTS_INVALID_OPTION', /maxBackoff/)
  await rejects(t, { delivery: { queueSize: 0 } }, 'OBS_ALERTS_INVALID_OPTION', /queueSize/)
  await rejects(t, { notifiers: [] }, 'OBS_ALERTS_INVALID_OPTION', /notifiers/)
  await rejects(t, { notifiers: { 'bad name': { type: 'webhook', url: 'http://x' } } }, 'OBS_ALERTS_INVALID_OPTION', /channel names/)
  await rejects(t, { notifiers: { a: { type: 'pager' } } }, 'OBS_ALERTS_INVALID_OPTION', /notifiers.a.type/)
  await rejects(t, { notifiers: { a: { type: 'webhook', url: 'ftp://x' } } }, 'OBS_ALERTS_INVALID_OPTION', /notifiers.a.url/)
  await rejects(t, { notifiers: { a: { type: 'slack' } } }, 'OBS_ALERTS_INVALID_OPTION', /notifiers.a.url/)
  await rejects(t, { notifiers: { a: { type: 'email', smtp: {}, from: 'a@b', to: 'c@d' } } }, 'OBS_ALERTS_INVALID_OPTION', /smtp.host/)
  await rejects(t, { notifiers: { a: { type: 'email', smtp: { host: 'h', port: 0 }, from: 'a@b', to: 'c@d' } } }, 'OBS_ALERTS_INVALID_OPTION', /smtp.port/)
  await rejects(t, { notifiers: { a: { type: 'email', smtp: { host: 'h' }, from: 'nobody', to: 'c@d' } } }, 'OBS_ALERTS_INVALID_OPTION', /from/)
  await rejects(t, { notifiers: { a: { type: 'email', smtp: { host: 'h' }, from: 'a@b', to: [] } } }, 'OBS_ALERTS_INVALID_OPTION', /\.to/)
  await rejects(t, { notifiers: { a: { type: 'custom' } } }, 'OBS_ALERTS_INVALID_OPTION', /send/)
  await rejects(t, { notifiers: { a: { type: 'alertmanager', url: 'http://am', resendInterval: 'x' } } }, 'OBS_ALERTS_INVALID_OPTION', /resendInterval/)
  await rejects(t, { notifiers: { a: { type: 'webhook', url: 'http://x', maxAlerts: -1 } } }, 'OBS_ALERTS_INVALID_OPTION', /maxAlerts/)
  await rejects(t, { notifiers: { a: { type: 'webhook', url: 'http://x', delivery: { timeout: 'x' } } } }, 'OBS_ALERTS_INVALID_OPTION', /notifiers.a.delivery.timeout/)
  await rejects(t, { routing: { page: ['a'] } }, 'OBS_ALERTS_INVALID_OPTION', /routing.page/)
  await rejects(t, { routing: { critical: 'a' } }, 'OBS_ALERTS_INVALID_OPTION', /routing.critical/)
  await rejects(t, { routing: { critical: ['pager'] } }, 'OBS_ALERTS_UNKNOWN_CHANNEL', /"pager" in routing.critical/)
  await rejects(t, { rules: [{ kind: 'absent', name: 'A', metric: 'm', channels: ['nope'] }] }, 'OBS_ALERTS_UNKNOWN_CHANNEL', /rule "A"/)
  await rejects(t, { rules: [{ kind: 'absent', name: 'A' }] }, 'OBS_ALERTS_INVALID_RULE', /metric/)
  await rejects(t, { interval: '1m', rules: [{ kind: 'rate', name: 'R', metric: 'm', above: 1, window: '90s' }] }, 'OBS_ALERTS_INVALID_RULE', /window 1m30s is shorter than two evaluation intervals \(1m\)/)
})

test('defaults are documented values', async (t) => {
  t.match(defaults, { interval: '15s', path: '/alerts', repeatInterval: '4h', historySize: 1000, resolveRaisedAfter: '5m', maxSeries: 50_000, maxGroups: 1000, samplesPerWindow: 240, checkTimeout: '10s', drainTimeout: '5s' })
  t.match(defaults.delivery, { timeout: '10s', retries: 8, backoff: '1s', maxBackoff: '1m', queueSize: 1000 })
})

test('the plugin needs @obs/metrics registered first', async (t) => {
  const app = Fastify()
  await t.rejects(async () => { await app.register(alerts) }, { message: /@obs\/metrics/ })
})

test('two instances in one process keep their own state', async (t) => {
  const rule = { kind: 'gauge' as const, name: 'Big', metric: 'size', above: 1 }
  const a = await buildApp({ rules: [rule] })
  const b = await buildApp({ rules: [rule] })
  t.teardown(() => Promise.all([a.close(), b.close()]))
  a.metrics.gauge({ name: 'size', help: 'Size.' }).set(5)
  b.metrics.gauge({ name: 'size', help: 'Size.' }).set(0)
  await a.alerts.evaluate()
  await b.alerts.evaluate()
  t.equal(a.alerts.active().length, 1)
  t.equal(b.alerts.active().length, 0)
})

test('misspelled options were silently ignored: now a coded error naming the key and the nearest valid one', async (t) => {
  const hook = { type: 'webhook', url: 'http://127.0.0.1:9/hook' }
  await rejects(t, { intervall: '1m' }, 'OBS_ALERTS_INVALID_OPTION', /"intervall": unknown option; did you mean "interval"\?/)
  await rejects(t, { ackAuht: 'open' }, 'OBS_ALERTS_INVALID_OPTION', /"ackAuht": unknown option; did you mean "ackAuth"\?/)
  await rejects(t, { notifiers: { a: { type: 'webhook', urll: 'http://x' } } }, 'OBS_ALERTS_INVALID_OPTION', /"notifiers\.a\.urll": unknown option; did you mean "notifiers\.a\.url"\?/)
  await rejects(t, { notifiers: { a: { type: 'slack', url: 'http://x', icon_emoji: ':x:' } } }, 'OBS_ALERTS_INVALID_OPTION', /"notifiers\.a\.icon_emoji"/)
  await rejects(t, { notifiers: { a: { type: 'email', smtp: { hots: 'h' }, from: 'a@b', to: 'c@d' } } }, 'OBS_ALERTS_INVALID_OPTION', /"notifiers\.a\.smtp\.hots": unknown option; did you mean "notifiers\.a\.smtp\.host"\?/)
  await rejects(t, { notifiers: { a: { ...hook, delivery: { retires: 1 } } } }, 'OBS_ALERTS_INVALID_OPTION', /"notifiers\.a\.delivery\.retires": unknown option; did you mean "notifiers\.a\.delivery\.retries"\?/)
  await rejects(t, { delivery: { timout: '1s' } }, 'OBS_ALERTS_INVALID_OPTION', /"delivery\.timout": unknown option; did you mean "delivery\.timeout"\?/)
  await rejects(t, { notifiers: { a: hook }, routing: { critcal: ['a'] } }, 'OBS_ALERTS_INVALID_OPTION', /"routing\.critcal": unknown option; did you mean "routing\.critical"\?/)

  const app = await buildApp({ prefix: '/ignored', logLevel: 'warn' } as AlertsPluginOptions)
  t.teardown(() => app.close())
  t.ok(app.hasDecorator('alerts'), 'Fastify\'s own register options pass')
  await app.ready()
  t.throws(() => { app.alerts.addNotifier('b', { type: 'webhook', url: 'http://x', headrs: {} } as never) }, { code: 'OBS_ALERTS_INVALID_OPTION', message: /"notifiers\.b\.headrs": unknown option; did you mean "notifiers\.b\.headers"\?/ },
    'addNotifier checks the keys as register does')
})

test('registering @obs/alerts twice blamed a metric with an OBS_METRICS code: now OBS_ALERTS_ALREADY_REGISTERED', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { processMetrics: false })
  await app.register(alerts, { interval: false })
  await t.rejects(async () => { await app.register(alerts, { interval: false }) }, { code: 'OBS_ALERTS_ALREADY_REGISTERED', message: /@obs\/alerts is already registered/ })
})
