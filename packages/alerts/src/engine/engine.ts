import { leaves } from '../promql/expr.js'
import { LABEL_NAME } from '../promql/matchers.js'
import { labelKey, type Vector } from '../promql/vector.js'
import { type AlertPlan, planRule } from '../rules/compile.js'
import type { NormalizedRule } from '../rules/normalize.js'
import { type CustomResult, SEVERITIES, type Severity } from '../rules/types.js'
import type { SnapshotSource } from '../series/registry-snapshot.js'
import type { Limits } from '../series/selector-source.js'
import { SourceSet, type SourceStats } from '../series/source-set.js'
import type { AlertNotification, AlertView } from './alert.js'
import { evaluate, type EvaluationContext, type NodeBuffers, type RecordedLabels, SourceFailure } from './evaluate.js'
import { History } from './history.js'
import { AlertInstance, type SavedAlert } from './lifecycle.js'
import { type RaisedAlert, RaisedAlerts } from './raised.js'
import { RuleAlerts } from './rule-alerts.js'
import { slicer } from '../slices.js'

/** Work done in one go before a cycle lets the event loop run (see slices.ts). */
const SLICE_MS = 4

export interface EngineOptions {
  readonly rules: readonly NormalizedRule[]
  /** The @obs/metrics prefix. */
  readonly prefix: string
  readonly snapshot: SnapshotSource
  /** The clock: milliseconds since the epoch. Tests pass a controllable one. */
  readonly now: () => number
  readonly limits: Limits
  readonly repeatIntervalMs: number
  readonly historySize: number
  /** Raised alerts resolve by themselves after this long without being raised again; false: never. */
  readonly resolveRaisedAfterMs: number | false
  /** A custom condition that takes longer fails this cycle. */
  readonly checkTimeoutMs: number
  /** How long after the first evaluation a rule over a missing or wrong-type metric counts as an error. */
  readonly startupGraceMs?: number
  /** The channels of an alert: the rule's own, else by severity. */
  readonly route: (severity: Severity, channels: readonly string[] | undefined) => readonly string[]
  readonly generatorURL: (fingerprint: string) => string
  /** Receives every notification as it happens; must not throw or block. */
  readonly notify: (notifications: AlertNotification[]) => void
  /** A rule failed (`first` for the first failure after success), or recovered (`error` undefined). */
  readonly onRuleError?: (rule: string, error: unknown, first: boolean) => void
  readonly onRuleRecovered?: (rule: string) => void
}

export interface EvaluationReport {
  /** Evaluation time, milliseconds since the epoch. */
  at: number
  pending: number
  firing: number
  notifications: number
  errors: Array<{ rule: string, error: unknown }>
}

/** A rule that fails to evaluate: its alerts stay as they were until it recovers. */
export interface RuleError {
  rule: string
  error: string
  /** When it started failing (ISO 8601). */
  since: string
}

/**
 * The in-process engine: takes a snapshot of the series the rules read, evaluates every
 * alerting rule as Prometheus would, moves alerts through pending → firing → resolved, and
 * hands notifications to `notify`. Everything depends on the `now` it is given, so tests drive
 * it with a controllable clock; nothing here reads real time.
 */
export class AlertEngine {
  private readonly sources: SourceSet
  private states: RuleAlerts[]
  private readonly raised: RaisedAlerts
  private readonly history: History
  /** Rules whose last evaluation failed: the error and since when. */
  private readonly failing = new Map<string, { error: unknown, since: number }>()
  private firstAt: number | undefined
  private readonly recorded: RecordedLabels = new WeakMap()
  private readonly buffers: NodeBuffers = new WeakMap()
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly options: EngineOptions) {
    const plans = options.rules.flatMap((rule) => this.plan(rule))
    this.sources = new SourceSet(plans.map((p) => p.expr), options.limits)
    this.states = plans.map((plan) => this.ruleAlerts(plan))
    this.raised = new RaisedAlerts({
      maxAlerts: options.limits.maxGroups,
      resolveAfterMs: options.resolveRaisedAfterMs,
      route: options.route,
      generatorURL: options.generatorURL
    })
    this.history = new History(options.historySize)
  }

  private plan (rule: NormalizedRule): readonly AlertPlan[] {
    return planRule(rule, { prefix: this.options.prefix }).alerts
  }

  private ruleAlerts (plan: AlertPlan): RuleAlerts {
    return new RuleAlerts(plan, {
      channels: () => this.options.route(plan.severity, plan.rule.channels),
      generatorURL: this.options.generatorURL,
      maxAlerts: this.options.limits.maxGroups
    })
  }

  /** Adds a checked rule, between evaluations; it reads the series that exist from now on. */
  addRule (rule: NormalizedRule): Promise<void> {
    return this.between(() => {
      const plans = this.plan(rule)
      this.sources.addExprs(plans.map((p) => p.expr))
      this.states = [...this.states, ...plans.map((plan) => this.ruleAlerts(plan))]
    })
  }

  /** Removes a rule, between evaluations: its firing alerts resolve (and notify). */
  removeRule (name: string): Promise<void> {
    return this.between(() => {
      const removed = this.states.filter((state) => state.plan.rule.name === name)
      this.states = this.states.filter((state) => !removed.includes(state))
      this.sources.removeExprs(removed.map((state) => state.plan.expr))
      const now = this.options.now()
      const notifications: AlertNotification[] = []
      for (const state of removed) {
        for (const alert of state.active.values()) if (alert.state === 'firing') notifications.push(alert.resolve(now))
        state.active.clear()
      }
      this.failing.delete(name)
      this.notify(notifications)
    })
  }

  /** Runs a change between two evaluations (never during one). */
  private between (change: () => void): Promise<void> {
    const run = this.queue.then(change)
    this.queue = run.catch(() => {})
    return run
  }

  /** Runs one evaluation at `at` (default: the clock). Calls never overlap: they run in turn. */
  evaluate (at?: number): Promise<EvaluationReport> {
    const run = this.queue.then(() => this.cycle(at ?? this.options.now()))
    this.queue = run.catch(() => {})
    return run
  }

  private async cycle (now: number): Promise<EvaluationReport> {
    const report: EvaluationReport = { at: now, pending: 0, firing: 0, notifications: 0, errors: [] }
    const notifications: AlertNotification[] = []
    const pause = slicer(SLICE_MS)
    const snapshot = await this.options.snapshot.collect(this.sources.names, pause)
    await this.sources.ingest(snapshot, now, pause)
    const context: EvaluationContext = { sources: this.sources, now, memo: new Map(), recorded: this.recorded, buffers: this.buffers }
    this.firstAt ??= now
    const checkSources = now - this.firstAt >= (this.options.startupGraceMs ?? 0)
    for (const state of this.states) {
      const { plan } = state
      try {
        // A metric that is not there (or not of its type) would make the rule silent for ever.
        const unreadable = checkSources ? leaves(plan.expr).map((leaf) => this.sources.unreadable(leaf)).find((why) => why !== undefined) : undefined
        if (unreadable !== undefined) throw new Error(unreadable)
        const vector = plan.expr.op === 'custom' ? await this.custom(plan, now) : evaluate(plan.expr, context)
        notifications.push(...state.apply(vector, now))
      } catch (error) {
        // As in Prometheus, a failed evaluation leaves the rule's alerts as they were.
        report.errors.push({ rule: plan.alert, error: error instanceof SourceFailure ? error.cause : error })
      }
      await pause()
    }
    this.trackErrors(report)
    notifications.push(...this.raised.expire(now))
    // Plain loops, not allActive(): a generator allocates a result object per alert at every cycle.
    const count = (alert: AlertInstance): void => {
      if (alert.state === 'pending') report.pending++
      if (alert.state !== 'firing') return
      report.firing++
      const repeat = alert.repeat(now, this.options.repeatIntervalMs)
      if (repeat !== undefined) notifications.push(repeat)
    }
    for (const state of this.states) state.active.forEach(count)
    this.raised.active.forEach(count)
    report.notifications = notifications.length
    this.notify(notifications)
    return report
  }

  /** Keeps resolved alerts in the history, and hands every notification on. */
  private notify (notifications: AlertNotification[]): void {
    if (notifications.length === 0) return
    for (const n of notifications) if (n.status === 'resolved') this.history.add(n.alert)
    this.options.notify(notifications)
  }

  private async custom (plan: AlertPlan, now: number): Promise<Vector> {
    if (plan.expr.op !== 'custom') throw new Error('not a custom rule')
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      // Not unref'd: the evaluation waits on it, and it is cleared as soon as the check settles.
      timer = setTimeout(() => reject(new Error(`the check did not settle within ${this.options.checkTimeoutMs} ms`)), this.options.checkTimeoutMs)
    })
    try {
      return customVector(await Promise.race([Promise.resolve(plan.expr.check({ now })), timeout]) as CustomResult)
    } finally {
      clearTimeout(timer)
    }
  }

  private trackErrors (report: EvaluationReport): void {
    const failed = new Set(report.errors.map((e) => e.rule))
    for (const { rule, error } of report.errors) {
      this.options.onRuleError?.(rule, error, !this.failing.has(rule))
      this.failing.set(rule, { error, since: this.failing.get(rule)?.since ?? report.at })
    }
    for (const rule of this.failing.keys()) {
      if (failed.has(rule)) continue
      this.failing.delete(rule)
      this.options.onRuleRecovered?.(rule)
    }
  }

  /** Raises an alert from code (see RaisedAlerts.raise): a new one notifies at once. */
  raise (input: RaisedAlert): AlertView {
    const { alert, notification } = this.raised.raise(input, this.options.now())
    if (notification !== undefined) this.notify([notification])
    return alert.view()
  }

  /** Resolves an alert raised by code, with a message if given; false when there is none with that fingerprint. */
  resolve (fp: string, message?: string): boolean {
    const notification = this.raised.resolve(fp, this.options.now(), message)
    if (notification === undefined) return false
    this.notify([notification])
    return true
  }

  /** Acknowledges an active alert: no more firing notifications for it (resolution still notifies). */
  acknowledge (fp: string, by: string, comment?: string): AlertView | undefined {
    const alert = this.find(fp)
    if (alert === undefined) return undefined
    alert.acknowledge({ by, at: new Date(this.options.now()).toISOString(), ...(comment === undefined ? {} : { comment }) })
    return alert.view()
  }

  private find (fp: string): AlertInstance | undefined {
    for (const state of this.states) {
      const alert = state.active.get(fp)
      if (alert !== undefined) return alert
    }
    return this.raised.active.get(fp)
  }

  private * allActive (): Iterable<AlertInstance> {
    for (const state of this.states) yield * state.active.values()
    yield * this.raised.active.values()
  }

  /** Active alerts, for the state file. */
  saveAlerts (): SavedAlert[] {
    return [...this.allActive()].map((alert) => alert.save())
  }

  /**
   * Active alerts back from the state file, before the first evaluation: a rule's alert goes
   * back to its rule (if the rule is still there), so that it goes on as if nothing happened.
   */
  restoreAlerts (saved: readonly SavedAlert[]): number {
    let restored = 0
    for (const entry of saved) {
      const alert = AlertInstance.restore(entry)
      if (entry.source === 'code') {
        this.raised.active.set(alert.fingerprint, alert)
      } else {
        const state = this.states.find((s) => s.plan.alert === entry.name && s.plan.severity === entry.severity)
        if (state === undefined) continue
        state.active.set(alert.fingerprint, alert)
      }
      restored++
    }
    return restored
  }

  /** Rules whose last evaluation failed, with the error and since when (for `GET /alerts`). */
  ruleErrors (): RuleError[] {
    return [...this.failing].map(([rule, { error, since }]) => ({ rule, error: error instanceof Error ? error.message : String(error), since: new Date(since).toISOString() }))
  }

  /** Active alerts (pending and firing), firing first, then by severity and name. */
  active (): AlertView[] {
    const order = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s)
    return [...this.allActive()]
      .sort((a, b) => (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) || order(a.severity) - order(b.severity) || a.name.localeCompare(b.name))
      .map((alert) => alert.view())
  }

  /** Resolved alerts, newest first. */
  resolvedHistory (limit?: number): AlertView[] {
    return this.history.list(limit)
  }

  get (fp: string): AlertView | undefined {
    return this.find(fp)?.view() ?? this.history.find(fp)
  }

  /**
   * Series tracked and what the limits left out (series, groups, alerts of a rule beyond
   * `maxGroups` at each evaluation, refused raise() calls), for the self-metrics.
   */
  stats (): SourceStats {
    const stats = this.sources.stats()
    for (const state of this.states) stats.overLimit += state.overLimit
    stats.overLimit += this.raised.overLimit
    return stats
  }
}

function customVector (result: CustomResult): Vector {
  const out: Vector = new Map()
  if (result === true) out.set('', { labels: {}, value: 1 })
  else if (typeof result === 'number') {
    if (!Number.isNaN(result)) out.set('', { labels: {}, value: result })
  } else if (Array.isArray(result)) {
    for (const item of result as Array<{ labels?: Record<string, string>, value?: number }>) {
      const labels: Record<string, string> = {}
      for (const [name, value] of Object.entries(item?.labels ?? {})) {
        if (!LABEL_NAME.test(name) || typeof value !== 'string') throw new TypeError(`check returned a bad label ${JSON.stringify(name)}`)
        if (value !== '') labels[name] = value
      }
      out.set(labelKey(labels), { labels, value: typeof item?.value === 'number' ? item.value : 1 })
    }
  } else if (result !== false && result !== null && result !== undefined) {
    throw new TypeError('check must return a boolean, a number, null or an array of { labels, value }')
  }
  return out
}
