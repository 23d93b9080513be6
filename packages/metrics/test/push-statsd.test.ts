import { test } from 'tap'
import { createSocket } from 'node:dgram'
import Fastify from 'fastify'
import { Counter, Gauge, Summary } from '@prometheus-io/client'
import metrics from '../src/index.js'
import { waitFor } from '../../../test-support/wait-for.js'

/** A StatsD server on 127.0.0.1: every line of every datagram, in order. */
async function startStatsdReceiver (): Promise<{ port: number, lines: string[], close (): Promise<void> }> {
  const socket = createSocket('udp4')
  const lines: string[] = []
  socket.on('message', (datagram) => lines.push(...datagram.toString('utf8').split('\n').filter((line) => line !== '')))
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { port: socket.address().port, lines, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) }
}

test('DogStatsD: counter deltas across two pushes, gauges, histogram buckets with tags', async (t) => {
  const receiver = await startStatsdReceiver()
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, push: { intervalMs: 3_600_000, statsd: { port: receiver.port, prefix: 'shop.', tags: { env: 'test' } } } })
  app.get('/users/:id', async () => 'ok')
  const jobs = new Counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue'], registers: [app.metrics.registry] })
  new Gauge({ name: 'queue_depth', help: 'Depth.', registers: [app.metrics.registry] }).set(7)
  await app.ready()

  jobs.inc({ queue: 'mail' }, 3)
  await app.inject({ url: '/users/1' })
  await app.inject({ url: '/users/2' })
  // The interval is an hour: the push on close sends everything counted so far.
  await app.close()
  await waitFor('the final push', async () => receiver.lines.some((l) => l.startsWith('shop.jobs_total')) ? true : undefined)
  t.ok(receiver.lines.includes('shop.jobs_total:3|c|#env:test,queue:mail'), `a counter's delta with its labels as tags: ${receiver.lines.filter((l) => l.includes('jobs')).join(' ')}`)
  t.ok(receiver.lines.includes('shop.queue_depth:7|g|#env:test'), 'a gauge as its value')
  // Buckets are not cumulative: the two requests may fall in one bucket or two, and add up to 2.
  const buckets = receiver.lines.map((l) => /^shop\.http_request_duration_seconds\.bucket:(\d+)\|c\|#env:test,method:GET,route:\/users\/:id,status_code:200,le:[0-9.]+$/.exec(l))
    .filter((match) => match !== null).map((match) => Number(match[1]))
  t.ok(buckets.length > 0, 'a histogram bucket is a counter delta with an le tag')
  t.equal(buckets.reduce((a, b) => a + b, 0), 2, 'the bucket changes add up to the count')
  t.ok(receiver.lines.includes('shop.http_request_duration_seconds.count:2|c|#env:test,method:GET,route:/users/:id,status_code:200'), 'the count as a counter delta')
  t.ok(receiver.lines.some((l) => l.startsWith('shop.http_request_duration_seconds.sum:')), 'the sum as a counter delta')
})

test('counters are sent as the change since the previous push', async (t) => {
  const receiver = await startStatsdReceiver()
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 50, statsd: { port: receiver.port } } })
  const jobs = new Counter({ name: 'jobs_total', help: 'Jobs.', registers: [app.metrics.registry] })
  jobs.inc(5)
  await app.ready()
  await waitFor('the first delta', async () => receiver.lines.includes('jobs_total:5|c') ? true : undefined)
  jobs.inc(2)
  await waitFor('the second delta', async () => receiver.lines.includes('jobs_total:2|c') ? true : undefined)
  await app.close()
  const deltas = receiver.lines.filter((l) => l.startsWith('jobs_total:'))
  t.same(deltas, ['jobs_total:5|c', 'jobs_total:2|c'], 'no push resends what was sent, nothing is sent when nothing changed')
})

test('plain StatsD folds label values into the name', async (t) => {
  const receiver = await startStatsdReceiver()
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 3_600_000, statsd: { port: receiver.port, dogstatsd: false } } })
  new Counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue', 'kind'], registers: [app.metrics.registry] }).inc({ queue: 'mail', kind: 'send/now' }, 4)
  await app.ready()
  await app.close()
  await waitFor('the final push', async () => receiver.lines.length > 0 ? true : undefined)
  t.same(receiver.lines.filter((l) => l.startsWith('jobs_total')), ['jobs_total.send_now.mail:4|c'], 'values by label name order, unsafe characters replaced, no tags')
})

test('a summary\'s sum that falls (negative observations) is a change, not a reset; names with \':\', \'#\', \'@\' are made safe', async (t) => {
  const receiver = await startStatsdReceiver()
  t.teardown(() => receiver.close())
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, requestMetrics: false, push: { intervalMs: 50, statsd: { port: receiver.port } } })
  const balance = new Summary({ name: 'balance_change', help: 'Balance changes.', percentiles: [0.5], registers: [app.metrics.registry] })
  new Counter({ name: 'jobs:done_total', help: 'A recording-rule style name.', registers: [app.metrics.registry] }).inc(4)
  // A hand-made registry metric may have any name: '#' would start DogStatsD tags, '@' a sample rate.
  app.metrics.registry.registerMetric({
    name: 'odd#name@x',
    help: 'Odd.',
    type: 'counter',
    aggregator: 'sum',
    get: async () => ({ name: 'odd#name@x', help: 'Odd.', type: 'counter', aggregator: 'sum', values: [{ labels: {}, value: 2 }] })
  } as never)
  balance.observe(5)
  await app.ready()
  await waitFor('the first push', async () => receiver.lines.includes('balance_change.sum:5|c') ? true : undefined)
  balance.observe(-3)
  await waitFor('the second count', async () => receiver.lines.filter((l) => l.startsWith('balance_change.count:')).length === 2 ? true : undefined)
  await app.close()
  t.same(receiver.lines.filter((l) => l.startsWith('balance_change.sum:')), ['balance_change.sum:5|c', 'balance_change.sum:-3|c'], 'the sum\'s change is -3, not 2')
  t.ok(receiver.lines.includes('jobs_done_total:4|c'), `':' is replaced in the name: ${receiver.lines.filter((l) => l.startsWith('jobs')).join(' ')}`)
  t.ok(receiver.lines.includes('odd_name_x:2|c'), `'#' and '@' are replaced in the name: ${receiver.lines.filter((l) => l.startsWith('odd')).join(' ')}`)
})
