// Compiled, never run: checks that the public types accept what users write and reject mistakes.
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import alerts, {
  type AlertsPluginOptions, type AlertView, type EvaluationReport, type ExportResult, type ObsAlerts, type Rule, type AlertNotification,
  exportRules, rules
} from '@obs/alerts'

const app = Fastify()
await app.register(metrics)
await app.register(alerts)

const plain: Rule[] = [
  { kind: 'errorRatio', name: 'HighErrorRate', above: 0.05, window: '5m', for: '2m', minEvents: 100, by: ['route'], severity: 'critical', match: { route: { not: /^\/health/ } } },
  { kind: 'latency', name: 'Slow', quantile: 0.99, above: 0.5, window: '10m' },
  { kind: 'rate', name: 'Stalled', metric: 'jobs_total', below: 0.1, window: '15m' },
  { kind: 'gauge', name: 'Queue', metric: 'agent_queue_size', outside: [0, 100], aggregate: 'max', by: ['queue'] },
  { kind: 'slo', name: 'Availability', objective: 0.999, indicator: 'availability' },
  { kind: 'slo', name: 'Fast', objective: 0.99, indicator: 'latency', threshold: 0.25, windows: [{ long: '1h', short: '5m', burnRate: 14.4, severity: 'critical' }] },
  { kind: 'absent', name: 'Gone', metric: 'up', match: { job: { re: 'api.*' } } },
  { kind: 'custom', name: 'Code', check: async ({ now }) => now > 0 ? [{ labels: { shard: '1' }, value: 2 }] : false }
]
// @ts-expect-error severity is one of four
const badSeverity: Rule = { kind: 'absent', name: 'X', metric: 'up', severity: 'page' }
// @ts-expect-error a latency rule needs its quantile
const noQuantile: Rule = { kind: 'latency', name: 'X', above: 1, window: '5m' }
// @ts-expect-error thresholds are numbers
const badThreshold: Rule = { kind: 'gauge', name: 'X', metric: 'g', above: '5' }

const options: AlertsPluginOptions = {
  rules: [...plain, rules.errorRatio('Built').above(0.1).over('5m').severity('error').by('route')],
  interval: '30s',
  path: '/ops/alerts',
  ackAuth: { bearerToken: 'token' },
  auth: (request) => request.headers['x-internal'] === '1',
  notifiers: {
    hook: { type: 'webhook', url: 'http://hooks.internal/alerts', headers: { authorization: 'Bearer x' } },
    slack: { type: 'slack', url: 'https://hooks.slack.com/services/T/B/X', delivery: { retries: 3 } },
    mail: { type: 'email', smtp: { host: 'smtp.internal', port: 587, auth: { user: 'u', pass: 'p' } }, from: 'a@b.c', to: ['d@e.f'] },
    am: { type: 'alertmanager', url: 'http://alertmanager:9093', resendInterval: '1m' },
    pager: { type: 'custom', send: async (notifications: readonly AlertNotification[]) => { console.log(notifications.length) } }
  },
  routing: { critical: ['pager', 'slack'], default: ['slack'] },
  delivery: { timeout: 5000, backoff: '1s', maxBackoff: '1m', queueSize: 500 },
  repeatInterval: '4h'
}
await app.register(alerts, options)
// @ts-expect-error an unknown notifier type
await app.register(alerts, { notifiers: { x: { type: 'pager', url: 'http://x' } } })
// @ts-expect-error interval is a duration or false
await app.register(alerts, { interval: true })

const api: ObsAlerts = app.alerts
const report: Promise<EvaluationReport> = api.evaluate()
const raised: AlertView = api.raise({ title: 'LLM down', message: 'openai 503', severity: 'critical', metadata: { attempts: 3 } })
// @ts-expect-error a title is required
api.raise({ message: 'no title' })
const acked: AlertView | undefined = api.acknowledge(raised.fingerprint, 'ana', 'on it')
const resolved: boolean = api.resolve(raised.fingerprint)
const exported: ExportResult = exportRules(plain, { format: 'prometheus-rule', prefix: 'agent_', match: { job: 'agent' } })
const yaml: string = api.exportRules({ format: 'rules' }).yaml

export { badSeverity, noQuantile, badThreshold, report, acked, resolved, exported, yaml }
