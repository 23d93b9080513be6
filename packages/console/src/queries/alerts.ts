import type { AlertView, ObsAlerts } from '@obs/alerts'
import { readFamily, type Registry } from '../sources/registry-family.js'

export interface RuleView {
  name: string
  expr: string
  for: string | null
  severity: string | null
  labels: Record<string, string>
  annotations: Record<string, string>
  /** `firing` or `pending` when one of its alerts is; else `inactive`. */
  state: 'firing' | 'pending' | 'inactive'
  /** Evaluations of the rule that failed since start (`obs_alerts_rule_errors_total`). */
  errors: number
}

export interface AlertsSnapshot {
  active: AlertView[]
  history: AlertView[]
  rules: RuleView[]
  /** Rules Prometheus cannot run (custom checks): in-process only, listed by name. */
  customRules: Array<{ name: string, reason: string, errors: number }>
  /** From `obs_alerts_evaluation_duration_seconds`: how many evaluations ran, and their mean duration. */
  evaluations: { count: number, meanSeconds: number | null } | null
  /** Where acknowledging posts: `{ackPath}/{fingerprint}/ack`. */
  ackPath: string
}

async function familyTotals (registry: Registry | undefined, name: string, key: string | undefined): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (registry === undefined) return out
  const reading = await readFamily(registry, name)
  for (const sample of reading?.values ?? []) {
    const id = key === undefined ? (sample.metricName ?? name) : String(sample.labels?.[key] ?? '')
    out.set(id, (out.get(id) ?? 0) + sample.value)
  }
  return out
}

/**
 * Alerts as @obs/alerts shows them (`app.alerts`), its rules as it exports them, and its own
 * metrics for errors and evaluations.
 */
export async function alertsSnapshot (alerts: ObsAlerts, registry: Registry | undefined, ackPath: string, historyLimit: number): Promise<AlertsSnapshot> {
  const active = alerts.active()
  const prefix = alerts.metricsPrefix
  const errors = await familyTotals(registry, `${prefix}obs_alerts_rule_errors_total`, 'rule')
  const evaluation = await familyTotals(registry, `${prefix}obs_alerts_evaluation_duration_seconds`, undefined)
  const exported = alerts.exportRules()
  const rules: RuleView[] = []
  for (const group of exported.groups) {
    for (const rule of group.rules) {
      if (!('alert' in rule)) continue
      const mine = active.filter((a) => a.name === rule.alert && (rule.labels.severity === undefined || a.severity === rule.labels.severity))
      rules.push({
        name: rule.alert,
        expr: rule.expr,
        for: rule.for ?? null,
        severity: rule.labels.severity ?? null,
        labels: rule.labels,
        annotations: rule.annotations,
        state: mine.some((a) => a.state === 'firing') ? 'firing' : mine.length > 0 ? 'pending' : 'inactive',
        errors: errors.get(rule.alert) ?? 0
      })
    }
  }
  const count = evaluation.get(`${prefix}obs_alerts_evaluation_duration_seconds_count`)
  const sum = evaluation.get(`${prefix}obs_alerts_evaluation_duration_seconds_sum`)
  return {
    active,
    history: alerts.history(historyLimit),
    rules,
    customRules: exported.skipped.map(({ rule, reason }) => ({ name: rule, reason, errors: errors.get(rule) ?? 0 })),
    evaluations: count === undefined ? null : { count, meanSeconds: count > 0 && sum !== undefined ? sum / count : null },
    ackPath
  }
}
