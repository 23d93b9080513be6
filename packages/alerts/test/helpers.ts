import Fastify, { type FastifyInstance } from 'fastify'
import metrics, { type MetricsPluginOptions } from '@obs/metrics'
import alerts, { type AlertsPluginOptions } from '../src/index.js'
import type { AlertNotification } from '../src/engine/alert.js'
import { AlertEngine, type EngineOptions } from '../src/engine/engine.js'
import { normalizeRules } from '../src/rules/normalize.js'
import type { RuleInput } from '../src/rules/types.js'
import type { RawSample } from '../src/series/series-index.js'
import type { Snapshot, SnapshotSource } from '../src/series/registry-snapshot.js'

export const MINUTE = 60_000
export const T0 = Date.UTC(2026, 0, 1)

/** A clock that only moves when told to. */
export class ManualClock {
  constructor (public time = T0) {}
  now = (): number => this.time
  advance (ms: number): number {
    this.time += ms
    return this.time
  }
}

/** Series values set by hand: `set('x_total', { route: '/a' }, 5)`; `remove(...)` makes a series go away. */
export class FakeSeries implements SnapshotSource {
  private readonly series = new Map<string, Map<string, RawSample>>()
  failing = new Set<string>()

  set (name: string, labels: Record<string, string | number>, value: number): this {
    let family = this.series.get(name)
    if (family === undefined) this.series.set(name, family = new Map())
    family.set(JSON.stringify(Object.entries(labels).sort()), { labels, value })
    return this
  }

  add (name: string, labels: Record<string, string | number>, delta: number): this {
    const current = this.series.get(name)?.get(JSON.stringify(Object.entries(labels).sort()))?.value ?? 0
    return this.set(name, labels, current + delta)
  }

  remove (name: string, labels?: Record<string, string | number>): this {
    if (labels === undefined) this.series.delete(name)
    else this.series.get(name)?.delete(JSON.stringify(Object.entries(labels).sort()))
    return this
  }

  async collect (names: readonly string[]): Promise<Snapshot> {
    const samples = new Map<string, readonly RawSample[]>()
    const failed = new Map<string, unknown>()
    for (const name of names) {
      if (this.failing.has(name)) failed.set(name, new Error(`${name} failed`))
      else samples.set(name, [...this.series.get(name)?.values() ?? []])
    }
    return { samples, failed }
  }
}

export interface TestEngine {
  engine: AlertEngine
  clock: ManualClock
  series: FakeSeries
  notifications: AlertNotification[]
  errors: Array<{ rule: string, error: unknown }>
  /** Advances the clock and evaluates. */
  step (ms?: number): Promise<void>
  firing (): string[]
}

/** An engine over hand-set series, on a manual clock, recording notifications. */
export function testEngine (rules: RuleInput[], options: Partial<EngineOptions> = {}): TestEngine {
  const clock = new ManualClock()
  const series = new FakeSeries()
  const notifications: AlertNotification[] = []
  const errors: Array<{ rule: string, error: unknown }> = []
  const engine = new AlertEngine({
    rules: normalizeRules(rules),
    prefix: '',
    snapshot: series,
    now: clock.now,
    limits: { maxSeries: 10_000, maxGroups: 1000, samplesPerWindow: 240 },
    repeatIntervalMs: 4 * 60 * MINUTE,
    historySize: 1000,
    resolveRaisedAfterMs: 5 * MINUTE,
    checkTimeoutMs: 1000,
    route: (_severity, channels) => channels ?? [],
    generatorURL: (fp) => `http://test/alerts/${fp}`,
    notify: (list) => notifications.push(...list),
    onRuleError: (rule, error) => errors.push({ rule, error }),
    ...options
  })
  return {
    engine,
    clock,
    series,
    notifications,
    errors,
    async step (ms = MINUTE) {
      clock.advance(ms)
      await engine.evaluate()
    },
    firing () {
      return engine.active().filter((a) => a.state === 'firing').map((a) => a.name)
    }
  }
}

/** A Fastify app with @obs/metrics (process metrics off) and @obs/alerts, evaluating only on demand. */
export async function buildApp (options: AlertsPluginOptions = {}, metricsOptions: MetricsPluginOptions = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, agentMetrics: false, ...metricsOptions })
  await app.register(alerts, { interval: false, ...options })
  return app
}

/** A custom notifier that records what it is sent. */
export function recorder (): { config: { type: 'custom', send: (n: readonly AlertNotification[]) => void }, sent: AlertNotification[][] } {
  const sent: AlertNotification[][] = []
  return { config: { type: 'custom', send: (n) => { sent.push([...n]) } }, sent }
}
