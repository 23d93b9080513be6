import { InvalidAlertError, TooManyAlertsError } from '../errors.js'
import { type Duration, parseDuration } from '../promql/duration.js'
import { LABEL_NAME } from '../promql/matchers.js'
import { SEVERITIES, type Severity } from '../rules/types.js'
import type { AlertNotification } from './alert.js'
import { fingerprint } from './fingerprint.js'
import { AlertInstance } from './lifecycle.js'

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

const CODE_ANNOTATIONS = new Set(['summary', 'description', 'resolution'])
/** A resolution message is kept with the alert in the history: bounded. */
const MAX_MESSAGE = 10_000

export interface RaisedOptions {
  /** The most raised alerts active at once (`maxGroups`). */
  readonly maxAlerts: number
  /** Raised alerts resolve by themselves after this long without being raised again; false: never. */
  readonly resolveAfterMs: number | false
  readonly route: (severity: Severity, channels: readonly string[] | undefined) => readonly string[]
  readonly generatorURL: (fingerprint: string) => string
}

/** The alerts raised by code: at most `maxAlerts` at once, each resolved by `resolve()` or on expiry. */
export class RaisedAlerts {
  readonly active = new Map<string, AlertInstance>()
  /** raise() calls refused because `maxAlerts` were active. */
  overLimit = 0

  constructor (private readonly options: RaisedOptions) {}

  /**
   * Raises an alert; raising the same title and labels again updates it (no new notification).
   * Everything that can fail (the input, its metadata, its channels, the limit) is checked
   * before anything changes: a coded error leaves the alerts as they were.
   */
  raise (input: RaisedAlert, now: number): { alert: AlertInstance, notification: AlertNotification | undefined } {
    const { title, labels, severity, channels, resolveAfterMs, metadata } = checkRaised(input)
    const annotations = raisedAnnotations(title, input.message, metadata)
    const all = { ...labels, alertname: title, severity }
    const fp = fingerprint(all)
    let alert = this.active.get(fp)
    const isNew = alert === undefined
    if (alert === undefined) {
      const routed = this.options.route(severity, channels)
      if (this.active.size >= this.options.maxAlerts) {
        this.overLimit++
        throw new TooManyAlertsError(this.active.size)
      }
      alert = new AlertInstance(fp, title, severity, 'code', all, now, routed, this.options.generatorURL(fp))
    }
    // Nothing below can throw.
    alert.annotations = annotations
    alert.metadata = metadata
    const after = resolveAfterMs ?? this.options.resolveAfterMs
    alert.expiresAt = after === false ? undefined : now + after
    if (!isNew) return { alert, notification: undefined }
    this.active.set(fp, alert)
    return { alert, notification: alert.fire(now) }
  }

  /** Resolves a raised alert, with a message if given; undefined when there is none with that fingerprint. */
  resolve (fp: string, now: number, message?: string): AlertNotification | undefined {
    if (message !== undefined && (typeof message !== 'string' || message.length > MAX_MESSAGE)) {
      throw new InvalidAlertError(`the resolution message must be a string of at most ${MAX_MESSAGE} characters`)
    }
    const alert = this.active.get(fp)
    if (alert === undefined) return undefined
    this.active.delete(fp)
    return alert.resolve(now, message)
  }

  /** Resolves the alerts whose time is up. */
  expire (now: number): AlertNotification[] {
    const out: AlertNotification[] = []
    for (const [fp, alert] of this.active) {
      if (alert.expiresAt !== undefined && now >= alert.expiresAt) out.push(this.resolve(fp, now)!)
    }
    return out
  }
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
