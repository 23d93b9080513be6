import { AlertInstance } from './alert.js'
import { fingerprint } from './fingerprint.js'
import type { AlertPlan } from './plan.js'
import type { Vector } from './sources.js'
import { renderTemplate } from './template.js'

export interface Transitions {
  fired: AlertInstance[]
  resolved: AlertInstance[]
}

export interface AlertContext {
  channels: readonly string[]
  generatorURL: (fingerprint: string) => string
}

/**
 * The alerts of one alerting rule, moved through their states as Prometheus moves them
 * (rules/alerting.go): a new sample is pending, firing once it has been active for `for`
 * (at once when `for` is 0); a firing alert whose sample is gone keeps firing for
 * `keepFiringFor`, then resolves; a pending alert whose sample is gone is dropped.
 */
export class RuleAlerts {
  /** Active alerts by fingerprint. */
  readonly active = new Map<string, AlertInstance>()
  /** The same alerts by the key of their sample's labels, so that a known alert costs no hashing. */
  private readonly bySample = new Map<string, AlertInstance>()
  private readonly sampleKeys = new Map<AlertInstance, string>()
  private epoch = 0
  private readonly seen = new Map<AlertInstance, number>()

  constructor (readonly plan: AlertPlan, private readonly context: AlertContext) {}

  apply (vector: Vector, now: number): Transitions {
    const { plan } = this
    const epoch = ++this.epoch
    for (const [key, sample] of vector) {
      let alert = this.bySample.get(key)
      if (alert === undefined) {
        const labels: Record<string, string> = { ...sample.labels, ...plan.labels, alertname: plan.alert }
        const fp = fingerprint(labels)
        alert = new AlertInstance(fp, plan.alert, plan.severity, 'rule', labels, now, this.context.channels, this.context.generatorURL(fp))
        this.active.set(fp, alert)
        this.bySample.set(key, alert)
        this.sampleKeys.set(alert, key)
      }
      this.seen.set(alert, epoch)
      // Annotations are filled in again only when the value changed (labels never do).
      if (!Object.is(alert.value, sample.value) || alert.annotationsRendered === false) {
        alert.value = sample.value
        const data = { value: sample.value, labels: sample.labels }
        const annotations: Record<string, string> = {}
        for (const name in plan.annotations) annotations[name] = renderTemplate(plan.annotations[name]!.template, data)
        alert.annotations = annotations
        alert.annotationsRendered = true
      }
    }

    const out: Transitions = { fired: [], resolved: [] }
    for (const alert of this.active.values()) {
      if (this.seen.get(alert) !== epoch) {
        if (alert.state === 'pending') {
          this.forget(alert)
          continue
        }
        alert.keepFiringSince ??= now
        if (now - alert.keepFiringSince < plan.keepFiringForMs) continue
        alert.state = 'resolved'
        alert.resolvedAt = now
        this.forget(alert)
        out.resolved.push(alert)
        continue
      }
      alert.keepFiringSince = undefined
      if (alert.state === 'pending' && now - alert.activeAt >= plan.forMs) {
        alert.state = 'firing'
        alert.firedAt = now
        out.fired.push(alert)
      }
    }
    return out
  }

  private forget (alert: AlertInstance): void {
    this.active.delete(alert.fingerprint)
    this.bySample.delete(this.sampleKeys.get(alert)!)
    this.sampleKeys.delete(alert)
    this.seen.delete(alert)
  }
}
