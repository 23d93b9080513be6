import { type AlertNotification, AlertInstance, type AlertView } from './alert.js'
import { RuleAlerts } from './alert-state.js'
import { type Duration, parseDuration } from './duration.js'
import { InvalidAlertError } from './errors.js'
import { evaluate, SourceFailure } from './evaluate.js'
import type { Expr } from './expr.js'
import { fingerprint } from './fingerprint.js'
import { History } from './history.js'
import { LABEL_NAME } from './matchers.js'
import type { NormalizedRule } from './normalize-rule.js'
import { type AlertPlan, planRule } from './plan.js'
import { type CustomResult, SEVERITIES, type Severity } from './rule-types.js'
import type { SnapshotSource } from './snapshot.js'
import { SourceSet, type SourceStats } from './source-set.js'
import type { Limits, Vector } from './sources.js'
import { labelKey } from './series-index.js'

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
  /** The channels of an alert: the rule's own, else by severity. */
  readonly route: (severity: Severity, channels: readonly string[] | undefined) => readonly string[]
  readonly generatorURL: (fingerprint: string) => string
  /** Receives every notification as it happens; must not throw or block. */
  readonly notify: (notifications: AlertNotification[]) => void
  /** A rule failed (`first` for the first failure after success), or recovered (`error` undefined). */
  readonly onRuleError?: (rule: string, error: unknown, first: boolean) => void
  readonly onRuleRecovered?: (rule: string) => void
}

/** What `app.alerts.raise()` takes: an alert raised by code rather than by a rule. */
export interface RaisedAlert {
  /** Becomes the `alertname` label: the same title (and labels) is the same alert. */
  title: string
  message?: string
  /** Default `warning`. */
  severity?: Severity
  /** Free-form details, kept on the alert; string-keyed scalars also become annotations. */
  metadata?: Record<string, unknown>
  labels?: Record<string, string>
  channels?: readonly string[]
  /** Resolve by itself after this long unless raised again; false to stay until `resolve()`. Default: the plugin's `resolveRaisedAfter`. */
  resolveAfter?: Duration | false
}

export interface EvaluationReport {
  /** Evaluation time, milliseconds since the epoch. */
  at: number
  pending: number
  firing: number
  notifications: number
  errors: Array<{ rule: string, error: unknown }>
}

const CODE_ANNOTATIONS = new Set(['summary', 'description'])

/**
 * The in-process engine: takes a snapshot of the series the rules read, evaluates every
 * alerting rule as Prometheus would, moves alerts through pending → firing → resolved, and
 * hands notifications to `notify`. Everything depends on the `now` it is given, so tests drive
 * it with a controllable clock; nothing here reads real time.
 */
export class AlertEngine {
  readonly plans: readonly AlertPlan[]
  private readonly sources: SourceSet
  private readonly states: RuleAlerts[]
  private readonly raised = new Map<string, AlertInstance>()
  private readonly history: History
  private readonly failing = new Set<string>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly options: EngineOptions) {
    this.plans = options.rules.flatMap((rule) => planRule(rule, { prefix: options.prefix }).alerts)
    this.sources = new SourceSet(this.plans.map((p) => p.expr), options.limits)
    this.states = this.plans.map((plan) => new RuleAlerts(plan, {
      channels: options.route(plan.severity, plan.rule.channels),
      generatorURL: options.generatorURL
    }))
    this.history = new History(options.historySize)
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
    const snapshot = await this.options.snapshot.collect(this.sources.names)
    this.sources.ingest(snapshot, now)
    const memo = new Map<Expr, Vector>()
    for (const state of this.states) {
      const { plan } = state
      let vector: Vector
      try {
        vector = plan.expr.op === 'custom' ? await this.custom(plan, now) : evaluate(plan.expr, this.sources, now, memo)
      } catch (error) {
        // As in Prometheus, a failed evaluation leaves the rule's alerts as they were.
        report.errors.push({ rule: plan.alert, error: error instanceof SourceFailure ? error.cause : error })
        continue
      }
      const { fired, resolved } = state.apply(vector, now)
      for (const alert of fired) this.fired(alert, now, notifications)
      for (const alert of resolved) this.resolved(alert, notifications)
    }
    this.trackErrors(report)
    this.expireRaised(now, notifications)
    for (const alert of this.allActive()) {
      if (alert.state === 'pending') report.pending++
      if (alert.state !== 'firing') continue
      report.firing++
      if (alert.acknowledged === null && alert.lastNotifiedAt !== undefined && now - alert.lastNotifiedAt >= this.options.repeatIntervalMs) {
        alert.lastNotifiedAt = now
        notifications.push({ status: 'firing', repeat: true, alert: alert.view() })
      }
    }
    report.notifications = notifications.length
    if (notifications.length > 0) this.options.notify(notifications)
    return report
  }

  private async custom (plan: AlertPlan, now: number): Promise<Vector> {
    if (plan.expr.op !== 'custom') throw new Error('not a custom rule')
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      // Not unref'd: the evaluation waits on it, and it is cleared as soon as the check settles.
      timer = setTimeout(() => reject(new Error(`the check did not settle within ${this.options.checkTimeoutMs} ms`)), this.options.checkTimeoutMs)
    })
    try {
      return customVector(await Promise.race([Promise.resolve(plan.expr.check({ now })), timeout]))
    } finally {
      clearTimeout(timer)
    }
  }

  private trackErrors (report: EvaluationReport): void {
    const failed = new Set(report.errors.map((e) => e.rule))
    for (const { rule, error } of report.errors) {
      this.options.onRuleError?.(rule, error, !this.failing.has(rule))
      this.failing.add(rule)
    }
    for (const rule of this.failing) {
      if (failed.has(rule)) continue
      this.failing.delete(rule)
      this.options.onRuleRecovered?.(rule)
    }
  }

  /** Acknowledged alerts are notified too: the dispatcher keeps them from people, not from Alertmanager. */
  private fired (alert: AlertInstance, now: number, out: AlertNotification[]): void {
    alert.lastNotifiedAt = now
    out.push({ status: 'firing', repeat: false, alert: alert.view() })
  }

  private resolved (alert: AlertInstance, out: AlertNotification[]): void {
    const view = alert.view()
    this.history.add(view)
    out.push({ status: 'resolved', repeat: false, alert: view })
  }

  private expireRaised (now: number, out: AlertNotification[]): void {
    for (const [fp, alert] of this.raised) {
      if (alert.expiresAt === undefined || now < alert.expiresAt) continue
      this.raised.delete(fp)
      alert.state = 'resolved'
      alert.resolvedAt = now
      this.resolved(alert, out)
    }
  }

  /** Raises an alert from code; raising the same title and labels again updates it (no new notification). */
  raise (input: RaisedAlert): AlertView {
    const now = this.options.now()
    const { title, labels, severity, channels, resolveAfterMs } = checkRaised(input)
    const all = { ...labels, alertname: title, severity }
    const fp = fingerprint(all)
    let alert = this.raised.get(fp)
    const isNew = alert === undefined
    if (alert === undefined) {
      alert = new AlertInstance(fp, title, severity, 'code', all, now, this.options.route(severity, channels), this.options.generatorURL(fp))
      alert.state = 'firing'
      alert.firedAt = now
      this.raised.set(fp, alert)
    }
    alert.annotations = raisedAnnotations(input)
    alert.metadata = input.metadata === undefined ? undefined : { ...input.metadata }
    const after = resolveAfterMs ?? this.options.resolveRaisedAfterMs
    alert.expiresAt = after === false ? undefined : now + after
    if (isNew) {
      const out: AlertNotification[] = []
      this.fired(alert, now, out)
      this.options.notify(out)
    }
    return alert.view()
  }

  /** Resolves an alert raised by code; false when there is none with that fingerprint. */
  resolve (fp: string): boolean {
    const alert = this.raised.get(fp)
    if (alert === undefined) return false
    this.raised.delete(fp)
    alert.state = 'resolved'
    alert.resolvedAt = this.options.now()
    const out: AlertNotification[] = []
    this.resolved(alert, out)
    this.options.notify(out)
    return true
  }

  /** Acknowledges an active alert: no more firing notifications for it (resolution still notifies). */
  acknowledge (fp: string, by: string, comment?: string): AlertView | undefined {
    const alert = this.find(fp)
    if (alert === undefined) return undefined
    alert.acknowledged = { by, at: new Date(this.options.now()).toISOString(), ...(comment === undefined ? {} : { comment }) }
    return alert.view()
  }

  private find (fp: string): AlertInstance | undefined {
    for (const state of this.states) {
      const alert = state.active.get(fp)
      if (alert !== undefined) return alert
    }
    return this.raised.get(fp)
  }

  private * allActive (): Iterable<AlertInstance> {
    for (const state of this.states) yield * state.active.values()
    yield * this.raised.values()
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

  /** Series tracked and left out by the limits, for the self-metrics. */
  stats (): SourceStats {
    return this.sources.stats()
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

function checkRaised (input: RaisedAlert): {
  title: string, labels: Record<string, string>, severity: Severity, channels: readonly string[] | undefined, resolveAfterMs: number | false | undefined
} {
  if (input === null || typeof input !== 'object') throw new InvalidAlertError('expected { title, message, severity, metadata }')
  if (typeof input.title !== 'string' || input.title.trim() === '') throw new InvalidAlertError('title must be a non-empty string')
  if (input.message !== undefined && typeof input.message !== 'string') throw new InvalidAlertError('message must be a string')
  const severity = input.severity ?? 'warning'
  if (!SEVERITIES.includes(severity)) throw new InvalidAlertError(`severity must be one of ${SEVERITIES.join(', ')}`)
  const labels: Record<string, string> = {}
  for (const [name, value] of Object.entries(input.labels ?? {})) {
    if (!LABEL_NAME.test(name) || name.startsWith('__') || name === 'alertname' || name === 'severity') throw new InvalidAlertError(`"${name}" cannot be a label`)
    if (typeof value !== 'string') throw new InvalidAlertError(`label "${name}" must be a string`)
    labels[name] = value
  }
  if (input.metadata !== undefined && (input.metadata === null || typeof input.metadata !== 'object')) throw new InvalidAlertError('metadata must be an object')
  let resolveAfterMs: number | false | undefined
  if (input.resolveAfter === false) resolveAfterMs = false
  else if (input.resolveAfter !== undefined) {
    resolveAfterMs = parseDuration(input.resolveAfter)
    if (resolveAfterMs === undefined || resolveAfterMs === 0) throw new InvalidAlertError('resolveAfter must be a positive duration or false')
  }
  if (input.channels !== undefined && (!Array.isArray(input.channels) || !input.channels.every((c) => typeof c === 'string'))) {
    throw new InvalidAlertError('channels must be an array of notifier names')
  }
  return { title: input.title, labels, severity, channels: input.channels, resolveAfterMs }
}

function raisedAnnotations (input: RaisedAlert): Record<string, string> {
  const annotations: Record<string, string> = { summary: input.title }
  if (input.message !== undefined) annotations.description = input.message
  for (const [name, value] of Object.entries(input.metadata ?? {})) {
    if (!LABEL_NAME.test(name) || CODE_ANNOTATIONS.has(name) || value === undefined) continue
    annotations[name] = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  }
  return annotations
}
