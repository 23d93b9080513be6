import { stringify } from 'yaml'
import { formatDuration, optionDuration } from '../promql/duration.js'
import { InvalidOptionError, NotExportableError } from '../errors.js'
import { type Matcher, METRIC_NAME } from '../promql/matchers.js'
import { toMatchers } from '../rules/label-matchers.js'
import { normalizeRules } from '../rules/normalize.js'
import { planRule } from '../rules/compile.js'
import { toPromQL } from '../promql/write.js'
import type { LabelMatchers, RuleInput } from '../rules/types.js'

export interface ExportOptions {
  /** `rules` (default): a Prometheus rule file; `prometheus-rule`: a Kubernetes PrometheusRule resource. */
  format?: 'rules' | 'prometheus-rule'
  /** The @obs/metrics prefix of the service: prepended to every metric name. Default `''`. */
  prefix?: string
  /** The rule group's name. Default `obs-alerts`. */
  group?: string
  /** The group's evaluation interval (Prometheus' global one when left out). */
  interval?: string | number
  /**
   * Labels added to every alerting rule, and to the SLO recording rules (with the equality
   * matchers of `match`), e.g. `{ service: 'agent' }` to tell services apart.
   */
  labels?: Record<string, string>
  /**
   * Matchers added to every selector, for labels that exist only in Prometheus: `{ job: 'agent' }`
   * keeps the rules to the service's own series when Prometheus scrapes several.
   */
  match?: LabelMatchers
  /** PrometheusRule `metadata.name`. Default: the group name. */
  name?: string
  /** PrometheusRule `metadata.namespace`. */
  namespace?: string
  /** PrometheusRule `metadata.labels`, e.g. `{ release: 'prometheus' }` for the operator's ruleSelector. */
  resourceLabels?: Record<string, string>
  /** Throw OBS_ALERTS_NOT_EXPORTABLE for a custom rule instead of leaving it out. */
  strict?: boolean
}

export interface RecordingRuleYaml { record: string, expr: string, labels?: Record<string, string> }
export interface AlertingRuleYaml {
  alert: string
  expr: string
  for?: string
  keep_firing_for?: string
  labels: Record<string, string>
  annotations: Record<string, string>
}
export interface RuleGroupYaml { name: string, interval?: string, rules: Array<RecordingRuleYaml | AlertingRuleYaml> }

/** Labels the rules set: `alertname`, `severity`, `le` of histogram buckets, `slo` of the SLO recording rules. */
const RESERVED_EXPORT_LABELS = new Set(['alertname', 'severity', 'le', 'slo'])

export interface ExportResult {
  /** The rule file as YAML. */
  yaml: string
  /** The same as an object (`{ groups }`, or the PrometheusRule resource). */
  document: unknown
  groups: RuleGroupYaml[]
  /** Rules that cannot run in Prometheus (custom conditions), with the reason. */
  skipped: Array<{ rule: string, reason: string }>
}

/**
 * The rules as a Prometheus rule file: for each rule, its recording rules (the SLO error
 * ratios) then its alerting rules, in one group so that an alert reads the ratios recorded at
 * the same evaluation. Validates the rules exactly as the plugin does.
 */
export function exportRules (rules: readonly RuleInput[], options: ExportOptions = {}): ExportResult {
  const o = resolveExportOptions(options)
  const normalized = normalizeRules(rules)
  for (const name of Object.keys(o.labels)) {
    if (RESERVED_EXPORT_LABELS.has(name)) throw new InvalidOptionError(`labels.${name}`, `"${name}" is set by the rules themselves`)
    const rule = normalized.find((r) => r.by.includes(name))
    // As for a rule's own labels: every group of that rule would get the same value, and the same labels.
    if (rule !== undefined) throw new InvalidOptionError(`labels.${name}`, `rule "${rule.name}" groups by "${name}": its alerts would collide`)
  }
  const groupRules: Array<RecordingRuleYaml | AlertingRuleYaml> = []
  const skipped: ExportResult['skipped'] = []
  const recorded = new Set<string>()
  for (const rule of normalized) {
    const plan = planRule(rule, { prefix: o.prefix, match: o.match, labels: o.labels })
    let alerts: AlertingRuleYaml[]
    try {
      alerts = plan.alerts.map((alert) => ({
        alert: alert.alert,
        expr: toPromQL(alert.expr, rule.name),
        ...(alert.forMs > 0 ? { for: formatDuration(alert.forMs) } : {}),
        ...(alert.keepFiringForMs > 0 ? { keep_firing_for: formatDuration(alert.keepFiringForMs) } : {}),
        labels: { ...o.labels, ...alert.labels },
        annotations: Object.fromEntries(Object.entries(alert.annotations).map(([name, a]) => [name, a.source]))
      }))
    } catch (error) {
      if (error instanceof NotExportableError && !o.strict) {
        skipped.push({ rule: rule.name, reason: error.message })
        continue
      }
      throw error
    }
    for (const record of plan.records) {
      const key = `${record.record}${JSON.stringify(record.labels)}`
      if (recorded.has(key)) continue
      recorded.add(key)
      groupRules.push({ record: record.record, expr: toPromQL(record.expr, rule.name), labels: { ...record.labels } })
    }
    groupRules.push(...alerts)
  }
  const groups: RuleGroupYaml[] = [{ name: o.group, ...(o.interval === undefined ? {} : { interval: o.interval }), rules: groupRules }]
  const document = o.format === 'rules'
    ? { groups }
    : {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: {
          name: o.name,
          ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
          ...(Object.keys(o.resourceLabels).length === 0 ? {} : { labels: o.resourceLabels })
        },
        spec: { groups }
      }
  return { yaml: stringify(document, { lineWidth: 0 }), document, groups, skipped }
}

function resolveExportOptions (options: ExportOptions): {
  format: 'rules' | 'prometheus-rule',
  prefix: string,
  group: string,
  interval: string | undefined,
  labels: Record<string, string>,
  name: string,
  namespace: string | undefined,
  resourceLabels: Record<string, string>,
  strict: boolean,
  match: Matcher[]
} {
  const o = options ?? {}
  const format = o.format ?? 'rules'
  if (format !== 'rules' && format !== 'prometheus-rule') throw new InvalidOptionError('format', 'expected "rules" or "prometheus-rule"')
  const prefix = o.prefix ?? ''
  if (typeof prefix !== 'string' || (prefix !== '' && !METRIC_NAME.test(prefix))) throw new InvalidOptionError('prefix', 'expected a metric name prefix')
  const group = o.group ?? 'obs-alerts'
  if (typeof group !== 'string' || group === '') throw new InvalidOptionError('group', 'expected a non-empty string')
  const name = o.name ?? group
  // Kubernetes object names: DNS subdomain names.
  if (format === 'prometheus-rule' && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
    throw new InvalidOptionError('name', 'a PrometheusRule name must be lowercase letters, digits, "-" and "."')
  }
  const stringMap = (key: string, value: unknown): Record<string, string> => {
    if (value === undefined) return {}
    if (value === null || typeof value !== 'object' || !Object.values(value).every((v) => typeof v === 'string')) {
      throw new InvalidOptionError(key, 'expected an object of strings')
    }
    return { ...value as Record<string, string> }
  }
  return {
    format,
    prefix,
    group,
    interval: o.interval === undefined ? undefined : formatDuration(optionDuration('interval', o.interval, { min: 1000 })),
    labels: stringMap('labels', o.labels),
    name,
    namespace: o.namespace,
    resourceLabels: stringMap('resourceLabels', o.resourceLabels),
    strict: o.strict === true,
    match: exportMatchers(o.match)
  }
}

function exportMatchers (match: LabelMatchers | undefined): Matcher[] {
  try {
    return toMatchers(match, 'the export')
  } catch (error) {
    throw new InvalidOptionError('match', (error as Error).message)
  }
}
