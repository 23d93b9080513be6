import { test } from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import type { AlertNotification } from '../src/engine/alert.js'
import type { Clock } from '../src/clock.js'
import { Channel, type ChannelOptions } from '../src/delivery/channel.js'
import { Dispatcher } from '../src/delivery/dispatcher.js'
import { fingerprint } from '../src/engine/fingerprint.js'
import { DeliveryError, type Delivery, type FailureReason, type Notifier } from '../src/delivery/types.js'

/** Timers that never wait: each delay is recorded and its callback runs on the next turn. */
function instantTimers (random = 0.5): Clock & { delays: number[] } {
  let now = 0
  const delays: number[] = []
  return {
    delays,
    setTimeout (fn, ms) {
      delays.push(ms)
      const handle = setImmediate(() => { now += ms; fn() })
      return { unref: () => handle }
    },
    clearTimeout (handle) { if (handle !== undefined) clearImmediate((handle as { unref: () => NodeJS.Immediate }).unref()) },
    random: () => random,
    now: () => now
  }
}

function logger (): FastifyBaseLogger & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = []
  const log = (level: string) => (_obj: unknown, msg?: string) => { lines.push([level, msg ?? '']) }
  return { lines, info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), trace: log('trace'), fatal: log('fatal'), silent: () => {}, level: 'info', child: () => logger() } as unknown as FastifyBaseLogger & { lines: Array<[string, string]> }
}

function hooks (): { sent: string[], failed: Array<[string, FailureReason]>, retried: string[] } {
  return { sent: [], failed: [], retried: [] }
}

const notification = (name: string, status: 'firing' | 'resolved' = 'firing', labels: Record<string, string> = {}): AlertNotification => ({
  status,
  repeat: false,
  idempotencyKey: `${name}:${status}`,
  alert: {
    fingerprint: fingerprint({ ...labels, alertname: name }),
    name,
    state: status === 'firing' ? 'firing' : 'resolved',
    severity: 'critical',
    source: 'rule',
    labels: { alertname: name },
    annotations: {},
    value: 1,
    activeAt: '2026-01-01T00:00:00.000Z',
    startsAt: '2026-01-01T00:00:00.000Z',
    endsAt: null,
    acknowledged: null,
    channels: ['c'],
    generatorURL: ''
  }
})
const options: ChannelOptions = { timeoutMs: 1000, retries: 4, backoffMs: 100, maxBackoffMs: 500, queueSize: 3, owedMs: 1000 }

function channel (send: Notifier['send'], opts: Partial<ChannelOptions> = {}, random = 0.5) {
  const h = hooks()
  const log = logger()
  const timers = instantTimers(random)
  const c = new Channel('c', { type: 'test', send }, { ...options, ...opts }, {
    sent: (name) => h.sent.push(name), failed: (name, reason) => h.failed.push([name, reason]), retried: (name) => h.retried.push(name)
  }, log, timers)
  return { c, h, log, timers }
}

test('a failing endpoint is retried with exponential backoff and jitter until it answers', async (t) => {
  let calls = 0
  const { c, h, log, timers } = channel(async () => {
    if (++calls < 4) throw new DeliveryError('cannot reach http://x: ECONNREFUSED', 'connection', true)
  })
  c.notify([notification('A')])
  t.ok(await c.idle(5000))
  t.equal(calls, 4)
  // 100, 200, 400 with "equal jitter" at random 0.5: three quarters of each.
  t.same(timers.delays, [75, 150, 300])
  t.same(h.sent, ['c'])
  t.same(h.retried, ['c', 'c', 'c'])
  t.same(h.failed, [])
  t.match(log.lines.filter(([l]) => l === 'warn').map(([, m]) => m), [
    /delivery to "c" failed \(attempt 1\): cannot reach http:\/\/x: ECONNREFUSED; retrying/,
    /attempt 2\)/, /attempt 3\)/
  ])
  t.match(log.lines.at(-1), ['info', /delivered to "c" after 4 attempts/])
})

test('backoff is capped, jitter stays within half and all of the delay, and Retry-After is honoured', async (t) => {
  const low = channel(async () => { throw new DeliveryError('503', 'unavailable', true) }, { retries: 5 }, 0)
  low.c.notify([notification('A')])
  await low.c.idle(5000)
  t.same(low.timers.delays.slice(0, 5), [50, 100, 200, 250, 250], 'random 0: half of 100, 200, 400, 500 (capped), 500')
  const high = channel(async () => { throw new DeliveryError('503', 'unavailable', true) }, { retries: 2 }, 0.999999)
  high.c.notify([notification('A')])
  await high.c.idle(5000)
  t.ok(high.timers.delays.slice(0, 3).every((d, i) => d <= 100 * 2 ** i && d > 0.99 * 100 * 2 ** i), `random ~1: the whole delay (${high.timers.delays})`)
  const later = channel(async () => { throw new DeliveryError('429', 'unavailable', true, 2500) }, { retries: 1 })
  later.c.notify([notification('A')])
  await later.c.idle(5000)
  t.same(later.timers.delays, [2500])
  t.same(later.h.failed, [['c', 'unavailable']], 'given up once owed for longer than owedMs, with the reason')
  t.match(later.log.lines.at(-1), ['error', /gave up delivering 1 notification \(A\) to "c" after 2 attempts: 429; owed for longer than 1000 ms/])
})

test('a rejected delivery is not retried, and is logged and counted', async (t) => {
  let calls = 0
  const { c, h, log } = channel(async () => { calls++; throw new DeliveryError('http://x answered 400: invalid_payload', 'rejected', false) })
  c.notify([notification('A')])
  await c.idle(5000)
  t.equal(calls, 1)
  t.same(h.failed, [['c', 'rejected']])
  t.match(log.lines, [['error', /gave up .* after 1 attempt: http:\/\/x answered 400: invalid_payload/]])
})

test('anything a notifier throws is a retried failure, never a crash', async (t) => {
  let calls = 0
  const { c, h } = channel(async () => {
    calls++
    // A notifier written in JavaScript may throw anything.
    // eslint-disable-next-line no-throw-literal
    if (calls === 1) throw 'a string'
    if (calls === 2) throw new TypeError('bug')
  })
  c.notify([notification('A')])
  await c.idle(5000)
  t.equal(calls, 3)
  t.same(h.sent, ['c'])
})

test('what is owed is bounded: the oldest waiting notification is dropped, logged and counted', async (t) => {
  const seen: string[] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const { c, h, log } = channel(async (d) => { await gate; seen.push(d.alertname) }, { queueSize: 3 })
  for (const name of ['A', 'B', 'C', 'D', 'E']) c.notify([notification(name)])
  t.equal(c.length, 3)
  release()
  await c.idle(5000)
  t.same(seen, ['A', 'D', 'E'], 'A was in flight; B and C waited longest and were dropped')
  t.same(h.failed, [['c', 'overflow'], ['c', 'overflow']])
  t.match(log.lines.filter(([l]) => l === 'error'), [['error', /\(B\) .*the queue is full \(3 owed\)/], ['error', /\(C\)/]])
})

test('each attempt has a time limit', async (t) => {
  const { c, h } = channel((_d, signal) => new Promise<void>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new DeliveryError('no answer in time', 'timeout', true)))
  }), { timeoutMs: 20, retries: 1 })
  c.notify([notification('A')])
  t.ok(await c.idle(5000))
  t.same(h.failed, [['c', 'timeout']])
})

test('a notifier that ignores its signal cannot hold the channel: the attempt times out, the next alert goes', async (t) => {
  const seen: string[] = []
  // A custom notifier that never settles and never looks at its signal.
  const { c, h, log } = channel(async (d) => {
    seen.push(d.alertname)
    if (d.alertname === 'A') await new Promise(() => {})
  }, { timeoutMs: 50, retries: 1 })
  c.notify([notification('A')])
  c.notify([notification('B')])
  t.equal(await c.idle(10), false, 'idle() says false while a delivery hangs')
  t.ok(await c.idle(5000), 'then the queue empties')
  t.same(seen.slice(0, 3), ['A', 'A', 'B'], 'A tried twice (one retry), then B went before A was tried again')
  t.same(h.failed, [['c', 'timeout']], 'A given up once owed for longer than owedMs')
  t.same(h.sent, ['c'])
  t.match(log.lines.filter(([l]) => l === 'warn' || l === 'error')[0], ['warn', /\(attempt 1\): no answer within 50 ms; retrying/])
  t.match(log.lines.filter(([l]) => l === 'error').at(-1), ['error', /gave up delivering 1 notification \(A\) to "c" after \d+ attempts: no answer within 50 ms; owed for longer/])
})

test('closing during a send aborts it: the delivery in flight and those waiting are counted once each, as shutdown', async (t) => {
  let signal: AbortSignal | undefined
  // Ignores its signal too: closing must not wait for the attempt's time limit.
  const { c, h, log } = channel((_d, s) => {
    signal = s
    return new Promise<void>(() => {})
  }, { timeoutMs: 1000, retries: 3 })
  c.notify([notification('A')])
  c.notify([notification('B')])
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(c.length, 2)
  const started = Date.now()
  t.equal(await c.close(50), 2, 'A (in flight) and B (waiting) given up')
  t.ok(Date.now() - started < 900, `close() took ${Date.now() - started} ms: the drain timeout, not the attempt's time limit`)
  t.equal(signal?.aborted, true, 'the notifier is told through its signal')
  t.same(h.failed, [['c', 'shutdown'], ['c', 'shutdown']])
  t.match(log.lines.filter(([l]) => l === 'error'), [
    ['error', /\(A\) to "c" after 1 attempt: the plugin closed while it was being sent/],
    ['error', /\(B\) to "c" after 0 attempts: the plugin closed with it still owed/]
  ])
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 1100 - Date.now())))
  t.same(h.failed, [['c', 'shutdown'], ['c', 'shutdown']], 'nothing counted again when the time limit would have passed')
  t.same(h.retried, [])
})

test('closing gives queued deliveries one last try, then logs and counts what is left', async (t) => {
  const { c, h, log } = channel(async () => { throw new DeliveryError('down', 'connection', true) }, { retries: 100 })
  c.notify([notification('A')])
  c.notify([notification('B')])
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(await c.close(1000), 0)
  t.same(h.failed.map(([, r]) => r), ['connection', 'connection'], 'no retries once closing')
  c.notify([notification('C')])
  t.same(h.failed.at(-1), ['c', 'shutdown'], 'nothing is accepted after close')
  t.match(log.lines.at(-1), ['error', /\(C\) .*the plugin is closing/])
})

test('the dispatcher sends one delivery per channel and alert name, and keeps acknowledged alerts from people', async (t) => {
  const got: Delivery[] = []
  const tracked: AlertNotification[] = []
  const timers = instantTimers()
  const make = (name: string, stateful: boolean): Channel => new Channel(name, {
    type: 't',
    send: async (d) => { got.push(d) },
    ...(stateful ? { track: (n: readonly AlertNotification[]) => { tracked.push(...n) }, resendIntervalMs: 60_000, resend: () => undefined } : {})
  }, options, { sent: () => {}, failed: () => {}, retried: () => {} }, logger(), timers)
  const people = make('people', false)
  const am = make('am', true)
  const dispatcher = new Dispatcher(new Map([['people', people], ['am', am]]), () => 0)
  const n = (name: string, acked = false, repeat = false, route = '/'): AlertNotification => {
    const base = notification(name, 'firing', { route })
    return { ...base, repeat, alert: { ...base.alert, channels: ['people', 'am'], acknowledged: acked ? { by: 'x', at: '' } : null } }
  }
  dispatcher.dispatch([n('A'), n('A', false, false, '/b'), n('B', true), n('C', false, true)])
  await dispatcher.idle(5000)
  const toPeople = got.filter((d) => d.channel === 'people').map((d) => [d.alertname, d.notifications.length])
  const toAm = got.filter((d) => d.channel === 'am').map((d) => [d.alertname, d.notifications.length])
  t.same(toPeople, [['A', 2], ['C', 1]], 'people: grouped by alert name, acknowledged B left out, the repeat of C sent')
  t.same(toAm, [['A', 2], ['B', 1]], 'Alertmanager: every alert, no repeats (it re-sends on its own)')
  t.same(tracked.map((x) => x.alert.name), ['A', 'A', 'B'])
  await dispatcher.close(100)
})
