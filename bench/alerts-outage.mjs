// @obs/alerts through a webhook outage: 5 alerts raised while the endpoint is down for <seconds>
// (real time, or plugin time with a clock <speedup> times faster), then resolved during a second
// outage of the same length. Counts what the receiver gets, and the copies of each transition.
// `node bench/alerts-outage.mjs <seconds> <short|default|fast> [speedup]` (after `pnpm build`):
// `short` shortens the retries (2, from 100 ms up to 1 s), `fast` the backoff; e.g. one hour of
// outage at 60x: `node bench/alerts-outage.mjs 3600 fast 60`.
import Fastify from 'fastify'
import { createServer } from 'node:http'
import metrics from '@obs/metrics'
import alerts from '@obs/alerts'

const [outageS, mode, speedup = '1'] = process.argv.slice(2)
const speed = Number(speedup)
const start = Date.now()
const now = () => start + (Date.now() - start) * speed
const delivery = mode === 'short' ? { retries: 2, backoff: '100ms', maxBackoff: '1s' } : mode === 'fast' ? { backoff: '20ms', maxBackoff: '1s' } : {}
const got = []
let server
const port = 40000 + Math.floor(Math.random() * 20000)
const up = () => new Promise((resolve) => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => { body += c }).on('end', () => {
      const json = JSON.parse(body)
      for (const a of json.alerts) got.push({ t: a.labels.alertname, s: a.status, key: req.headers['idempotency-key'] ?? a.idempotencyKey })
      res.end()
    })
  }).listen(port, '127.0.0.1', resolve)
})
const down = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) })
const app = Fastify()
await app.register(metrics, { processMetrics: false, agentMetrics: false })
await app.register(alerts, { interval: false, now, delivery, notifiers: { hook: { type: 'webhook', url: `http://127.0.0.1:${port}/hook` } }, ...(mode === 'fast' ? { ackAuth: { bearerToken: 'x' } } : {}) })
await app.ready()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const titles = ['A1', 'A2', 'A3', 'A4', 'A5']
const raised = titles.map((title) => app.alerts.raise({ title, severity: 'critical', resolveAfter: false }))
await sleep(Number(outageS) * 1000 / speed)
await up()
const t1 = Date.now()
await app.alerts.flush(120_000)
const firing = got.filter((g) => g.s === 'firing')
console.log(`outage ${outageS}s (${mode}, clock x${speed}): firing received ${new Set(firing.map((g) => g.t)).size} of 5, copies ${firing.length}, ${Date.now() - t1} ms after the endpoint came back`)
await down()
for (const r of raised) app.alerts.resolve(r.fingerprint)
await sleep(Number(outageS) * 1000 / speed)
await up()
await app.alerts.flush(120_000)
const resolved = got.filter((g) => g.s === 'resolved')
console.log(`  resolved received ${new Set(resolved.map((g) => g.t)).size} of 5, copies ${resolved.length}; with a key: ${got.filter((g) => g.key !== undefined).length} of ${got.length}`)
const m = await app.inject('/metrics')
console.log('  ' + m.body.split('\n').filter((l) => /^obs_alerts_notification(s_failed|_retries)/.test(l)).join('; '))
await down()
await app.close()
