import { setTimeout as sleep } from 'node:timers/promises'
import Fastify, { type FastifyInstance } from 'fastify'
import metrics from '@obs/metrics'
import health from '@obs/health'
import tracing, { initTracing, loggerOptions } from '@obs/tracing'
import alerts, { rules, type AlertsPluginOptions } from '@obs/alerts'
import obsConsole, { LogStore, logTee, type ConsolePluginOptions } from '../src/index.js'

/** The process's tracing SDK for this test file (each tap file is a process); spans go nowhere but to the console. */
export function startSdk (): void {
  initTracing({ serviceName: 'console-test', exporter: 'none', instrumentations: false, env: {} })
}

export interface TestApp {
  app: FastifyInstance
  logs: LogStore
}

export interface TestAppOptions {
  console?: ConsolePluginOptions
  /** Which @obs plugins to register besides the console (all by default). */
  plugins?: Array<'metrics' | 'health' | 'tracing' | 'alerts'>
  /** More @obs/alerts options (its auth). */
  alerts?: AlertsPluginOptions
}

/**
 * An app as a user would build it: the four @obs plugins, the console, a logger writing into a
 * log store, and routes that are fast, slow (with child spans), failing and logging.
 */
export async function buildTestApp (options: TestAppOptions = {}): Promise<TestApp> {
  const plugins = new Set(options.plugins ?? ['metrics', 'health', 'tracing', 'alerts'])
  if (plugins.has('tracing')) startSdk()
  const logs = new LogStore(2000)
  const app = Fastify({ logger: { ...loggerOptions({ serviceName: 'console-test', env: {} }), stream: logTee(logs, { write: () => true }) } })
  await app.register(obsConsole, { logs, intervalMs: 500, healthIntervalMs: 1000, ...options.console })
  if (plugins.has('metrics')) await app.register(metrics)
  if (plugins.has('tracing')) await app.register(tracing)
  if (plugins.has('health')) {
    await app.register(health, { pressure: false })
    app.health.addCheck({ name: 'database', check: () => true })
    app.health.addCheck({ name: 'llm', check: () => ({ status: 'warn' }), critical: false })
  }
  if (plugins.has('alerts')) {
    await app.register(alerts, {
      interval: '1s',
      rules: [
        rules.errorRatio('HighErrorRatio').above(0.2).over('2s').severity('critical').by('route').build(),
        { kind: 'custom', name: 'BrokenCheck', check: () => { throw new Error('the check broke') } }
      ],
      ...options.alerts
    })
  }

  const withSpan = async <T>(name: string, fn: () => Promise<T>): Promise<T> => plugins.has('tracing') ? await app.tracing.withSpan(name, fn) : await fn()
  app.get('/users/:id', async (request) => {
    const user = await withSpan('db.query', async () => ({ id: (request.params as { id: string }).id, name: 'Ada' }))
    request.log.info({ user: user.id }, 'user found')
    return user
  })
  app.get('/slow', async (request) => {
    await withSpan('llm.call', async () => { await sleep(40) })
    await withSpan('tool.search', async () => { await sleep(10) })
    request.log.warn('slow answer')
    return { ok: true }
  })
  app.get('/fail', async (request) => {
    request.log.error('about to fail')
    throw new Error('the upstream failed')
  })
  return { app, logs }
}

/** Sends `count` requests across the routes through `inject` (no socket needed). */
export async function traffic (app: FastifyInstance, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const url = i % 10 === 9 ? '/fail' : i % 5 === 4 ? '/slow' : `/users/${i}`
    await app.inject(url)
  }
}

/**
 * Requests over a real socket until `stop()` (or `seconds` pass): the load a page watches.
 * Bounded in time and in concurrency (2 at once: enough for every chart, and light on a shared machine).
 */
export function load (base: string, seconds = 60): { stop: () => Promise<void> } {
  const until = Date.now() + seconds * 1000
  const state = { stopped: false }
  let i = 0
  const worker = async (): Promise<void> => {
    while (!state.stopped && Date.now() < until) {
      const n = i++
      const path = n % 10 === 9 ? '/fail' : n % 5 === 4 ? '/slow' : `/users/${n}`
      await fetch(`${base}${path}`).then(async (r) => { await r.arrayBuffer() }, () => {})
    }
  }
  const workers = Promise.all([worker(), worker()])
  return { stop: async () => { state.stopped = true; await workers } }
}
