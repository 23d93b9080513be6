import type { Duration } from '../promql/duration.js'
import type { GaugeAggregation } from '../promql/expr.js'

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const
export type Severity = typeof SEVERITIES[number]

/**
 * How a label is matched, as a PromQL matcher: a string is `=`, a RegExp or `{ re: '5..' }` is
 * `=~` (anchored at both ends, as in PromQL; no flags), `{ not: … }` is `!=` or `!~`. Write
 * regular expressions in the syntax JavaScript and Go's RE2 share: no lookarounds, no
 * backreferences. `{ re }` is for rules kept as JSON or YAML.
 */
export type LabelMatcher = string | RegExp | { re: string } | { not: string | RegExp | { re: string } }
export type LabelMatchers = Readonly<Record<string, LabelMatcher>>

/** Fires when the value is above, below, or outside a range (exactly one of them). */
export interface Threshold {
  above?: number
  below?: number
  /** `[low, high]`: fires below `low` or above `high`. */
  outside?: readonly [number, number]
}

/** Fields every rule has. */
export interface RuleCommon {
  /** The alert name (`alertname` label): letters, digits and underscores, unique among the rules. */
  name: string
  /** What the rule watches, for people; the default `description` annotation. */
  description?: string
  /** Default `warning`. SLO rules set it per burn-rate window instead. */
  severity?: Severity
  /** Added to every alert of the rule (and to the exported rule). */
  labels?: Readonly<Record<string, string>>
  /**
   * Annotations, with Prometheus template syntax: `{{ $value }}`, `{{ $labels.route }}`,
   * `{{ $value | humanizePercentage }}`… `summary` and `description` get defaults.
   */
  annotations?: Readonly<Record<string, string>>
  /** How long the condition must hold before the alert fires (pending until then). Default 0. */
  for?: Duration
  /** How long the alert keeps firing after the condition stopped holding. Default 0. */
  keepFiringFor?: Duration
  /** Notification channels (names under `notifiers`); by default, routing by severity. */
  channels?: readonly string[]
  /** Labels to group by: one alert per value combination (`['route']`). Default: one alert. */
  by?: readonly string[]
  /** Which series count: `{ route: { not: '/health/live' } }`. */
  match?: LabelMatchers
}

/** Rules over a request count, where a minimum number of events keeps low traffic quiet. */
export interface EventRuleCommon extends RuleCommon {
  /** The least number of events (requests) in the window before the rule may fire. Default 0. */
  minEvents?: number
}

/** The share of requests that failed over a window: `errors / requests`. */
export interface ErrorRatioRule extends EventRuleCommon, Threshold {
  kind: 'errorRatio'
  window: Duration
  /** A counter of requests; default `http_requests_total` (with the @obs/metrics prefix). */
  metric?: string
  /** Which requests are errors; default `{ status_code: /5../ }`. */
  errors?: LabelMatchers
}

/** A quantile of the request duration histogram over a window (`histogram_quantile`). */
export interface LatencyRule extends EventRuleCommon, Threshold {
  kind: 'latency'
  /** 0 < quantile < 1, e.g. 0.99. */
  quantile: number
  window: Duration
  /** A histogram (its base name); default `http_request_duration_seconds`. */
  metric?: string
  /**
   * Prometheus keeps this histogram as a native histogram (it scrapes the protobuf format with
   * native histograms on, and 2.x then drops the classic `_bucket` series): the exported PromQL
   * reads it as one. In-process evaluation does not change. Default false.
   */
  nativeHistogram?: boolean
}

/** The per-second rate of a counter over a window. */
export interface RateRule extends EventRuleCommon, Threshold {
  kind: 'rate'
  metric: string
  window: Duration
}

export type { GaugeAggregation }

/** The current value of a gauge. */
export interface GaugeRule extends RuleCommon, Threshold {
  kind: 'gauge'
  metric: string
  /** How series are combined; `none` (default) gives one alert per series. */
  aggregate?: GaugeAggregation
}

/** One pair of windows of a multi-window, multi-burn-rate SLO alert. */
export interface BurnRateWindow {
  long: Duration
  short: Duration
  /** How many times faster than sustainable the error budget burns, e.g. 14.4. */
  burnRate: number
  severity: Severity
}

/** An availability or latency objective, alerting on error-budget burn rate (SRE workbook). */
export interface SloRule extends EventRuleCommon {
  kind: 'slo'
  /** The objective, e.g. 0.999 for 99.9% of requests good. */
  objective: number
  /** `availability`: good requests are not 5xx; `latency`: good requests are faster than `threshold`. */
  indicator: 'availability' | 'latency'
  /** Seconds; for `latency`, must be a bucket bound of the histogram. */
  threshold?: number
  /** Default: page at 14.4x over 1h and 5m, page at 6x over 6h and 30m, ticket at 3x over 1d and 2h, ticket at 1x over 3d and 6h. */
  windows?: readonly BurnRateWindow[]
  /** Request counter (`availability`) or duration histogram (`latency`). */
  metric?: string
  /**
   * Prometheus keeps this histogram as a native histogram (it scrapes the protobuf format with
   * native histograms on, and 2.x then drops the classic `_bucket` series): the exported PromQL
   * reads it as one. In-process evaluation does not change. For `latency` only; default false.
   */
  nativeHistogram?: boolean
  /** Which requests are errors for `availability`; default `{ status_code: /5../ }`. */
  errors?: LabelMatchers
}

/** Fires while no series of a metric exists (`absent()`). */
export interface AbsentRule extends RuleCommon {
  kind: 'absent'
  metric: string
}

/** What a custom condition returns: fire (true or a number), do not fire, or alerts by labels. */
export type CustomResult =
  | boolean | number | null | undefined
  | ReadonlyArray<{ labels?: Readonly<Record<string, string>>, value?: number }>

export interface CustomContext {
  /** Evaluation time, milliseconds since the epoch. */
  now: number
}

/** A condition written in code: evaluated in-process only, never exported. */
export interface CustomRule extends RuleCommon {
  kind: 'custom'
  check: (context: CustomContext) => CustomResult | Promise<CustomResult>
}

export type Rule = ErrorRatioRule | LatencyRule | RateRule | GaugeRule | SloRule | AbsentRule | CustomRule
export type RuleKind = Rule['kind']

/** Anything with a `build()` that returns a rule: the builders. */
export interface RuleSource { build (): Rule }
export type RuleInput = Rule | RuleSource
