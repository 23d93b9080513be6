import { type AlertNotification, AlertInstance, type AlertView } from './alert.js'
import { RuleAlerts, type Transitions } from './rule-alerts.js'
import { type Duration, parseDuration } from '../promql/duration.js'
import { InvalidAlertError, TooManyAlertsError } from '../errors.js'
import { evaluate, type EvaluationContext, type RecordedLabels, SourceFailure } from './evaluate.js'
import { fingerprint } from './fingerprint.js'
import { History } from './history.js'
import { LABEL_NAME } from '../promql/matchers.js'
import type { NormalizedRule } from '../rules/normalize.js'
import { type AlertPlan, planRule } from '../rules/compile.js'
import { type CustomResult, SEVERITIES, type Severity } from '../rules/types.js'
import type { SnapshotSource } from '../series/registry-snapshot.js'
import { SourceSet, type SourceStats } from '../series/source-set.js'
import type { Limits, Vector } from '../series/sources.js'
import { labelKey } from '../series/series-index.js'

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
  /** Alerts raised by code, at most `limits.maxGroups` at once. */
  private readonly raised = new Map<string, AlertInstance>()
  /** raise() calls refused because `raised` was full. */
  private raisedOverLimit = 0
  private readonly history: History
  private readonly failing = new Set<string>()
  private readonly recorded: RecordedLabels = new WeakMap()
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly options: EngineOptions) {
    this.plans = options.rules.flatMap((rule) => planRule(rule, { prefix: options.prefix }).alerts)
    this.sources = new SourceSet(this.plans.map((p) => p.expr), options.limits)
    this.states = this.plans.map((plan) => new RuleAlerts(plan, {
      channels: options.route(plan.severity, plan.rule.channels),
      generatorURL: options.generatorURL,
      maxAlerts: options.limits.maxGroups
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
    const context: EvaluationContext = { sources: this.sources, now, memo: new Map(), recorded: this.recorded }
    for (const state of this.states) {
      const { plan } = state
      let transitions: Transitions
      try {
        const vector = plan.expr.op === 'custom' ? await this.custom(plan, now) : evaluate(plan.expr, context)
        transitions = state.apply(vector, now)
      } catch (error) {
        // As in Prometheus, a failed evaluation leaves the rule's alerts as they were.
        report.errors.push({ rule: plan.alert, error: error instanceof SourceFailure ? error.cause : error })
        continue
      }
      const { fired, resolved } = transitions
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

  /**
   * Raises an alert from code; raising the same title and labels again updates it (no new
   * notification). Everything that can fail (the input, its metadata, its channels, the limit)
   * is checked before anything changes: a coded error leaves the alerts as they were.
   */
  raise (input: RaisedAlert): AlertView {
    const now = this.options.now()
    const { title, labels, severity, channels, resolveAfterMs, metadata } = checkRaised(input)
    const annotations = raisedAnnotations(title, input.message, metadata)
    const all = { ...labels, alertname: title, severity }
    const fp = fingerprint(all)
    let alert = this.raised.get(fp)
    const isNew = alert === undefined
    if (alert === undefined) {
      const routed = this.options.route(severity, channels)
      if (this.raised.size >= this.options.limits.maxGroups) {
        this.raisedOverLimit++
        throw new TooManyAlertsError(this.raised.size)
      }
      alert = new AlertInstance(fp, title, severity, 'code', all, now, routed, this.options.generatorURL(fp))
    }
    // Nothing below can throw.
    alert.annotations = annotations
    alert.metadata = metadata
    const after = resolveAfterMs ?? this.options.resolveRaisedAfterMs
    alert.expiresAt = after === false ? undefined : now + after
    if (isNew) {
      alert.state = 'firing'
      alert.firedAt = now
      this.raised.set(fp, alert)
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

  /** An active (pending or firing) alert as it is now, for notifiers that send the current state. */
  current (fp: string): AlertView | undefined {
    return this.find(fp)?.view()
  }

  /**
   * Series tracked and what the limits left out (series, groups, alerts of a rule beyond
   * `maxGroups` at each evaluation, refused raise() calls), for the self-metrics.
   */
  stats (): SourceStats {
    const stats = this.sources.stats()
    for (const state of this.states) stats.overLimit += state.overLimit
    stats.overLimit += this.raisedOverLimit
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

/** A raised alert once checked: nothing in it can fail any more. */
interface CheckedAlert {
  title: string
  labels: Record<string, string>
  severity: Severity
  channels: readonly string[] | undefined
  resolveAfterMs: number | false | undefined
  metadata: Record<string, unknown> | undefined
}

function checkRaised (input: RaisedAlert): CheckedAlert {
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
  return { title: input.title, labels, severity, channels: input.channels, resolveAfterMs, metadata: jsonMetadata(input.metadata) }
}

/**
 * The metadata as JSON values, as `GET /alerts` and the notifiers will show it: `toJSON()`
 * honoured, a BigInt as its digits, a cycle as "[Circular]", functions and symbols left out.
 * A getter or `toJSON()` that throws makes the alert invalid.
 */
function jsonMetadata (metadata: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (metadata === undefined) return undefined
  const ancestors: object[] = []
  const json = (value: unknown): unknown => {
    if (typeof value === 'bigint') return value.toString()
    if (typeof value === 'number') return Number.isFinite(value) ? value : null
    if (typeof value === 'function' || typeof value === 'symbol') return undefined
    if (value === null || typeof value !== 'object') return value
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return json((value as { toJSON: () => unknown }).toJSON())
    if (ancestors.includes(value)) return '[Circular]'
    ancestors.push(value)
    try {
      if (Array.isArray(value)) return value.map((item) => json(item) ?? null)
      return entries(value)
    } finally {
      ancestors.pop()
    }
  }
  const entries = (value: object): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    for (const [name, item] of Object.entries(value)) {
      const converted = json(item)
      if (converted !== undefined) out[name] = converted
    }
    return out
  }
  try {
    ancestors.push(metadata)
    return entries(metadata)
  } catch (error) {
    throw new InvalidAlertError(`metadata cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** `summary` (the title), `description` (the message), and the metadata's values (objects as JSON). */
function raisedAnnotations (title: string, message: string | undefined, metadata: Record<string, unknown> | undefined): Record<string, string> {
  const annotations: Record<string, string> = { summary: title }
  if (message !== undefined) annotations.description = message
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (!LABEL_NAME.test(name) || CODE_ANNOTATIONS.has(name)) continue
    annotations[name] = typeof value === 'string' ? value : JSON.stringify(value)
  }
  return annotations
}
