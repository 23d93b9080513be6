import type { AlertNotification } from './alert.js'
import { fingerprint } from './fingerprint.js'
import type { AlertPlan } from '../rules/compile.js'
import type { Sample, Vector } from '../promql/vector.js'
import { renderTemplate } from '../templates/template.js'
import { AlertInstance } from './lifecycle.js'

export interface AlertContext {
  /** The channels of a new alert (routing can change: notifiers added at run time). */
  channels: () => readonly string[]
  generatorURL: (fingerprint: string) => string
  /** The most active alerts the rule keeps (`maxGroups`); results beyond are left out and counted. */
  maxAlerts: number
}

/** The labels and fingerprint of a sample once the rule's labels are applied. */
interface SampleAlert {
  readonly labels: Readonly<Record<string, string>>
  readonly fingerprint: string
  epoch: number
}

/**
 * The alerts of one alerting rule, moved through their states as Prometheus moves them
 * (rules/alerting.go): a new sample is pending, firing once it has been active for `for`
 * (at once when `for` is 0); a firing alert whose sample is gone keeps firing for
 * `keepFiringFor`, then resolves; a pending alert whose sample is gone is dropped. Alerts are
 * keyed by the fingerprint of their labels, as in Prometheus: two samples that end with the
 * same labels fail the evaluation ("same labelset after applying alert labels").
 */
export class RuleAlerts {
  /** Active alerts by fingerprint. */
  readonly active = new Map<string, AlertInstance>()
  /** Labels and fingerprints of the samples of active alerts, so that a known sample costs no hashing. */
  private readonly samples = new Map<string, SampleAlert>()
  private epoch = 0
  /** Results left out because the rule had `maxAlerts` active alerts, over every evaluation. */
  overLimit = 0

  constructor (readonly plan: AlertPlan, private readonly context: AlertContext) {}

  /**
   * Moves the alerts to `now` and returns the notifications of those that fired or resolved;
   * throws, changing nothing, when two samples have the same labels.
   */
  apply (vector: Vector, now: number): AlertNotification[] {
    const { plan } = this
    const epoch = ++this.epoch
    // Every sample's labels first, so that a collision fails the evaluation before any change.
    const batch: Array<{ key: string, sample: Sample, alert: SampleAlert }> = []
    const fingerprints = new Set<string>()
    for (const [key, sample] of vector) {
      let alert = this.samples.get(key)
      if (alert === undefined) {
        const labels: Record<string, string> = { ...sample.labels, ...plan.labels, alertname: plan.alert }
        alert = { labels, fingerprint: fingerprint(labels), epoch: 0 }
      }
      if (fingerprints.has(alert.fingerprint)) {
        throw new Error(`vector contains metrics with the same labelset after applying alert labels: ${formatLabels(alert.labels)}`)
      }
      fingerprints.add(alert.fingerprint)
      batch.push({ key, sample, alert })
    }

    for (const { key, sample, alert: { labels, fingerprint: fp }, alert: entry } of batch) {
      let alert = this.active.get(fp)
      if (alert === undefined) {
        if (this.active.size >= this.context.maxAlerts) {
          this.overLimit++
          continue
        }
        alert = new AlertInstance(fp, plan.alert, plan.severity, 'rule', labels, now, this.context.channels(), this.context.generatorURL(fp))
        this.active.set(fp, alert)
      }
      entry.epoch = epoch
      this.samples.set(key, entry)
      alert.seen = epoch
      // Annotations are filled in again only when the value or the sample changed.
      if (!Object.is(alert.value, sample.value) || alert.sampleKey !== key) {
        alert.value = sample.value
        alert.sampleKey = key
        const data = { value: sample.value, labels: sample.labels }
        const annotations: Record<string, string> = {}
        for (const name in plan.annotations) annotations[name] = renderTemplate(plan.annotations[name]!.template, data)
        alert.annotations = annotations
      }
    }
    for (const [key, entry] of this.samples) if (entry.epoch !== epoch) this.samples.delete(key)

    const out: AlertNotification[] = []
    for (const alert of this.active.values()) {
      if (alert.seen !== epoch) {
        if (alert.state === 'pending') {
          this.active.delete(alert.fingerprint)
          continue
        }
        alert.keepFiringSince ??= now
        if (now - alert.keepFiringSince < plan.keepFiringForMs) continue
        this.active.delete(alert.fingerprint)
        out.push(alert.resolve(now))
        continue
      }
      alert.keepFiringSince = undefined
      if (alert.state === 'pending' && now - alert.activeAt >= plan.forMs) {
        out.push(alert.fire(now))
      }
    }
    return out
  }
}

/** `{alertname="X", queue="all"}`, sorted, for messages. */
function formatLabels (labels: Readonly<Record<string, string>>): string {
  return `{${Object.keys(labels).sort().map((name) => `${name}=${JSON.stringify(labels[name])}`).join(', ')}}`
}
