import { ConflictingMatchersError } from '../errors.js'
import { formatDuration } from '../promql/duration.js'
import type { Expr } from '../promql/expr.js'
import { humanize, humanizeDuration, humanizePercentage } from '../templates/go-format.js'
import { bucketMatcher, type Matcher, type Selector } from '../promql/matchers.js'
import type { Annotation, NormalizedRule, NormalizedThreshold, NormalizedWindow } from './normalize.js'
import type { Severity } from './types.js'
import { compileTemplate } from '../templates/template.js'

/** A Prometheus recording rule: `record` is written with `labels` added. */
export interface RecordingPlan {
  readonly record: string
  readonly labels: Readonly<Record<string, string>>
  readonly expr: Expr
}

/** A Prometheus alerting rule, which the in-process engine evaluates the same way. */
export interface AlertPlan {
  readonly alert: string
  readonly expr: Expr
  readonly forMs: number
  readonly keepFiringForMs: number
  readonly severity: Severity
  /** The rule's labels and `severity`; the expression's labels come first, these override them. */
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, Annotation>>
  readonly rule: NormalizedRule
}

export interface RulePlan {
  readonly rule: NormalizedRule
  readonly records: readonly RecordingPlan[]
  readonly alerts: readonly AlertPlan[]
}

export interface PlanOptions {
  /** The @obs/metrics prefix, prepended to every metric name. */
  readonly prefix: string
  /** Matchers added to every selector (the export's `match`, e.g. `job="agent"`). */
  readonly match?: readonly Matcher[]
  /**
   * The export's `labels`. With the equality matchers of `match`, they label the SLO recording
   * rules (and the selectors that read them), so that services sharing a Prometheus record apart.
   */
  readonly labels?: Readonly<Record<string, string>>
}

export const SLO_RECORD_PREFIX = 'slo:sli_error:ratio_rate'

/** Compiles a rule into recording rules and alerting rules over the PromQL subset of `expr.ts`. */
export function planRule (rule: NormalizedRule, { prefix, match = [], labels = {} }: PlanOptions): RulePlan {
  const selector = (metric: string, ...extra: Array<readonly Matcher[]>): Selector => {
    const own = [...rule.match, ...extra.flat()]
    return { metric: `${prefix}${metric}`, matchers: [...outerMatchers(match, own, rule.name), ...own] }
  }
  const alert = (expr: Expr, summary: string, severity: Severity = rule.severity): AlertPlan => ({
    alert: rule.name,
    expr,
    forMs: rule.forMs,
    keepFiringForMs: rule.keepFiringForMs,
    severity,
    labels: { ...rule.labels, severity },
    annotations: withDefaults(rule, summary),
    rule
  })
  const by = rule.by
  const onLabels = forLabels(by)

  switch (rule.kind) {
    case 'errorRatio': {
      const total = selector(rule.metric)
      const ratio: Expr = {
        op: 'binary',
        fn: '/',
        left: { op: 'sumRate', fn: 'rate', selector: selector(rule.metric, rule.errors), window: rule.window, by },
        right: { op: 'sumRate', fn: 'rate', selector: total, window: rule.window, by }
      }
      const expr = withMinEvents(compare(ratio, rule.threshold), rule.minEvents, total, rule.window, by)
      return single(rule, alert(expr, `Error ratio {{ $value | humanizePercentage }} over ${formatDuration(rule.window)}${onLabels} (alert ${describe(rule.threshold, humanizePercentage)})`))
    }
    case 'latency': {
      const native = rule.nativeHistogram ? { native: rule.metric } : {}
      const quantile: Expr = { op: 'quantile', q: rule.quantile, selector: selector(`${rule.metric}_bucket`), window: rule.window, by, ...native }
      const expr = withMinEvents(compare(quantile, rule.threshold), rule.minEvents, selector(`${rule.metric}_count`), rule.window, by, native)
      return single(rule, alert(expr, `p${humanize(rule.quantile * 100)} latency {{ $value | humanizeDuration }} over ${formatDuration(rule.window)}${onLabels} (alert ${describe(rule.threshold, humanizeDuration)})`))
    }
    case 'rate': {
      const counter = selector(rule.metric)
      // Right after the engine starts, a rate over a window it has not watched whole comes out
      // low (the history is short): a threshold that fires on a low rate waits for the window.
      const rate: Expr = { op: 'sumRate', fn: 'rate', selector: counter, window: rule.window, by, fullWindow: !('above' in rule.threshold) }
      const expr = withMinEvents(compare(rate, rule.threshold), rule.minEvents, counter, rule.window, by)
      return single(rule, alert(expr, `${rule.metric} at {{ $value | humanize }}/s over ${formatDuration(rule.window)}${onLabels} (alert ${describe(rule.threshold, humanize)})`))
    }
    case 'gauge': {
      const value: Expr = { op: 'aggregate', agg: rule.aggregate, selector: selector(rule.metric), by }
      const what = rule.aggregate === 'none' ? rule.metric : `${rule.aggregate}(${rule.metric})`
      return single(rule, alert(compare(value, rule.threshold), `${what} is {{ $value | humanize }}${onLabels} (alert ${describe(rule.threshold, humanize)})`))
    }
    case 'absent':
      return single(rule, alert({ op: 'absent', selector: selector(rule.metric) }, `No series of ${rule.metric}${rule.match.length === 0 ? '' : ' matching the rule'} exists`))
    case 'custom':
      return single(rule, alert({ op: 'custom', check: rule.check }, `${rule.name} is firing (value {{ $value }})`))
    case 'slo':
      return planSlo(rule, selector, alert, recordLabels(rule.name, match, labels))
  }
}

function planSlo (
  rule: Extract<NormalizedRule, { kind: 'slo' }>,
  selector: (metric: string, ...extra: Array<readonly Matcher[]>) => Selector,
  alert: (expr: Expr, summary: string, severity?: Severity) => AlertPlan,
  labels: Readonly<Record<string, string>>
): RulePlan {
  const { by } = rule
  const total = rule.indicator === 'availability' ? selector(rule.metric) : selector(`${rule.metric}_count`)
  // The histogram's `_count` and `_bucket` are read from it as a native histogram where Prometheus keeps one.
  const native = rule.indicator === 'latency' && rule.nativeHistogram ? { native: rule.metric } : {}
  const rate = (s: Selector, window: number, bound?: number): Expr => ({ op: 'sumRate', fn: 'rate', selector: s, window, by, ...(bound === undefined ? {} : { bound }), ...native })
  const windows = [...new Set(rule.windows.flatMap((w) => [w.long, w.short]))].sort((a, b) => a - b)
  const records = new Map<number, RecordingPlan>()
  for (const window of windows) {
    const bad: Expr = rule.indicator === 'availability'
      ? rate(selector(rule.metric, rule.errors), window)
      : {
          op: 'binary',
          fn: '-',
          left: rate(total, window),
          right: rate(selector(`${rule.metric}_bucket`, [bucketMatcher(rule.latencyThreshold!)]), window, rule.latencyThreshold)
        }
    records.set(window, {
      record: `${SLO_RECORD_PREFIX}${formatDuration(window)}`,
      labels,
      expr: { op: 'binary', fn: '/', left: bad, right: rate(total, window) }
    })
  }
  // 1 - 0.999 is 0.0010000000000000009 in floating point: round it so that the rule file reads well.
  const budget = Number((1 - rule.objective).toPrecision(12))
  const burn = (window: number): Expr => {
    const record = records.get(window)!
    return { op: 'scale', fn: '/', expr: { op: 'record', record: record.record, labels: record.labels, expr: record.expr }, value: budget }
  }
  const pair = (w: NormalizedWindow): Expr => withMinEvents({
    op: 'and',
    left: { op: 'compare', cmp: '>', expr: burn(w.long), value: w.burnRate },
    right: { op: 'compare', cmp: '>', expr: burn(w.short), value: w.burnRate }
  }, rule.minEvents, total, w.long, by, native)

  const severities = [...new Set(rule.windows.map((w) => w.severity))]
  const what = rule.indicator === 'availability' ? 'availability' : `latency under ${humanizeDuration(rule.latencyThreshold!)}`
  const onLabels = forLabels(by)
  const alerts = severities.map((severity) => {
    const pairs = rule.windows.filter((w) => w.severity === severity)
    const expr = pairs.map(pair).reduce((left, right) => ({ op: 'or', left, right }))
    const burns = pairs.map((w) => `${humanize(w.burnRate)}x over ${formatDuration(w.long)} and ${formatDuration(w.short)}`).join(', or ')
    return alert(expr, `SLO ${rule.name} (${humanizePercentage(rule.objective)} ${what})${onLabels}: error budget burning {{ $value | humanize }}x faster than sustainable (alert at ${burns})`, severity)
  })
  return { rule, records: [...records.values()], alerts }
}

/**
 * The export's matchers that a selector still needs besides the rule's own: one the rule
 * already has is written once; one on a label the rule matches otherwise would match nothing
 * (`{job="agent", job="worker"}`), so it is an error naming the rule.
 */
function outerMatchers (outer: readonly Matcher[], own: readonly Matcher[], rule: string): Matcher[] {
  const out: Matcher[] = []
  for (const m of outer) {
    const mine = own.filter((o) => o.name === m.name)
    if (mine.length === 0) out.push(m)
    else if (!mine.every((o) => o.type === m.type && o.value === m.value)) {
      const text = (list: readonly Matcher[]): string => list.map((x) => `${x.name}${x.type}${JSON.stringify(x.value)}`).join(', ')
      throw new ConflictingMatchersError(rule, text(mine), text([m]))
    }
  }
  return out
}

/** ` for route={{ $labels.route }}` for the summaries of grouped rules. */
function forLabels (by: readonly string[]): string {
  return by.length === 0 ? '' : ` for ${by.map((l) => `${l}={{ $labels.${l} }}`).join(', ')}`
}

/**
 * The labels of an SLO's recording rules: `slo`, then the equality matchers of the export's
 * `match` (`job="agent"`) and its `labels`, which keep services that share a Prometheus apart.
 */
function recordLabels (slo: string, match: readonly Matcher[], labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { slo }
  for (const m of match) if (m.type === '=' && m.value !== '') out[m.name] = m.value
  return { ...out, ...labels, slo }
}

function single (rule: NormalizedRule, alert: AlertPlan): RulePlan {
  return { rule, records: [], alerts: [alert] }
}

function compare (expr: Expr, threshold: NormalizedThreshold): Expr {
  if ('above' in threshold) return { op: 'compare', cmp: '>', expr, value: threshold.above }
  if ('below' in threshold) return { op: 'compare', cmp: '<', expr, value: threshold.below }
  const [low, high] = threshold.outside
  return { op: 'or', left: { op: 'compare', cmp: '<', expr, value: low }, right: { op: 'compare', cmp: '>', expr, value: high } }
}

/** `expr and on (by) sum by (by) (increase(events[window])) >= minEvents`. */
function withMinEvents (expr: Expr, minEvents: number, events: Selector, window: number, by: readonly string[], native: { native?: string } = {}): Expr {
  if (minEvents <= 0) return expr
  return {
    op: 'and',
    left: expr,
    right: { op: 'compare', cmp: '>=', expr: { op: 'sumRate', fn: 'increase', selector: events, window, by, ...native }, value: minEvents },
    on: by
  }
}

function describe (threshold: NormalizedThreshold, format: (v: number) => string): string {
  if ('above' in threshold) return `above ${format(threshold.above)}`
  if ('below' in threshold) return `below ${format(threshold.below)}`
  return `outside ${format(threshold.outside[0])} to ${format(threshold.outside[1])}`
}

function withDefaults (rule: NormalizedRule, summary: string): Record<string, Annotation> {
  const out: Record<string, Annotation> = {}
  out.summary = { source: summary, template: compileTemplate(summary, `rule "${rule.name}" default summary`) }
  if (rule.description !== undefined) {
    out.description = { source: rule.description, template: compileTemplate(rule.description, `${rule.where}.description`) }
  }
  return { ...out, ...rule.annotations }
}
