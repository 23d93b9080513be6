import { assertKnownOptions, type InvalidOption } from '@obs/core'
import { formatDuration, ruleDuration } from '../promql/duration.js'
import { DuplicateRuleError, InvalidRuleError } from '../errors.js'
import { HISTOGRAM_SUFFIX, LABEL_NAME, type Matcher, METRIC_NAME } from '../promql/matchers.js'
import { toMatchers } from './label-matchers.js'
import {
  type BurnRateWindow, type CustomRule, type GaugeAggregation, type LabelMatchers, type Rule, type RuleInput,
  type RuleKind, SEVERITIES, type Severity, type Threshold
} from './types.js'
import { type CompiledTemplate, compileTemplate } from '../templates/template.js'

/**
 * The SRE workbook's multiwindow, multi-burn-rate pairs for a 30-day objective (chapter 5), with
 * the 1d/2h ticket pair that Sloth adds at the workbook's 10% of the budget (burn rate 3; Pyrra,
 * on 28 days, uses 2): a slow leak is ticketed within a day, not three.
 */
export const DEFAULT_BURN_RATE_WINDOWS: readonly BurnRateWindow[] = Object.freeze([
  Object.freeze({ long: '1h', short: '5m', burnRate: 14.4, severity: 'critical' as const }),
  Object.freeze({ long: '6h', short: '30m', burnRate: 6, severity: 'critical' as const }),
  Object.freeze({ long: '1d', short: '2h', burnRate: 3, severity: 'warning' as const }),
  Object.freeze({ long: '3d', short: '6h', burnRate: 1, severity: 'warning' as const })
])

export const DEFAULT_ERRORS: LabelMatchers = Object.freeze({ status_code: /5../ })
export const DEFAULT_REQUESTS_METRIC = 'http_requests_total'
export const DEFAULT_DURATION_METRIC = 'http_request_duration_seconds'

export type NormalizedThreshold = { above: number } | { below: number } | { outside: readonly [number, number] }

export interface NormalizedWindow { long: number, short: number, burnRate: number, severity: Severity }

export interface Annotation { source: string, template: CompiledTemplate }

interface Base {
  name: string
  description: string | undefined
  severity: Severity
  labels: Readonly<Record<string, string>>
  /** The user's annotations only; defaults are added by the plan. */
  annotations: Readonly<Record<string, Annotation>>
  forMs: number
  keepFiringForMs: number
  channels: readonly string[] | undefined
  by: readonly string[]
  match: readonly Matcher[]
  minEvents: number
  /** `rules[3]` or `rule "Name"`, for messages. */
  where: string
}

export type NormalizedRule = Base & (
  | { kind: 'errorRatio', threshold: NormalizedThreshold, window: number, metric: string, errors: readonly Matcher[] }
  | { kind: 'latency', threshold: NormalizedThreshold, window: number, metric: string, quantile: number, nativeHistogram: boolean }
  | { kind: 'rate', threshold: NormalizedThreshold, window: number, metric: string }
  | { kind: 'gauge', threshold: NormalizedThreshold, metric: string, aggregate: GaugeAggregation }
  | { kind: 'slo', objective: number, indicator: 'availability' | 'latency', latencyThreshold: number | undefined, windows: readonly NormalizedWindow[], metric: string, errors: readonly Matcher[], nativeHistogram: boolean }
  | { kind: 'absent', metric: string }
  | { kind: 'custom', check: CustomRule['check'] }
)

const COMMON_FIELDS = ['name', 'kind', 'description', 'severity', 'labels', 'annotations', 'for', 'keepFiringFor', 'channels', 'by', 'match']
const THRESHOLD_FIELDS = ['above', 'below', 'outside']
/** The fields of each kind besides the common ones: any other key is a mistake (`windw`), refused. */
const KIND_FIELDS: Record<RuleKind, readonly string[]> = {
  errorRatio: [...THRESHOLD_FIELDS, 'minEvents', 'window', 'metric', 'errors'],
  latency: [...THRESHOLD_FIELDS, 'minEvents', 'quantile', 'window', 'metric', 'nativeHistogram'],
  rate: [...THRESHOLD_FIELDS, 'minEvents', 'window', 'metric'],
  gauge: [...THRESHOLD_FIELDS, 'metric', 'aggregate'],
  slo: ['minEvents', 'objective', 'indicator', 'threshold', 'windows', 'metric', 'errors', 'nativeHistogram'],
  absent: ['metric'],
  custom: ['check']
}
const WINDOW_FIELDS = ['long', 'short', 'burnRate', 'severity']

function ruleFields (kind: RuleKind): string[] {
  return [...COMMON_FIELDS, ...KIND_FIELDS[kind]]
}

/** The error `assertKnownOptions` throws for an unknown field: OBS_ALERTS_INVALID_RULE, naming the rule. */
function unknownField (where: string): InvalidOption {
  return class {
    constructor (field: string, message: string) {
      return new InvalidRuleError(where, `${field}: ${message.replace('unknown option', 'unknown field').replace('the options are', 'the fields are')}`)
    }
  } as unknown as InvalidOption
}

const KINDS: readonly RuleKind[] = ['errorRatio', 'latency', 'rate', 'gauge', 'slo', 'absent', 'custom']
const RESERVED_LABELS = new Set(['alertname', 'severity', 'le'])
const THRESHOLD_KINDS = new Set<RuleKind>(['errorRatio', 'latency', 'rate', 'gauge'])
const EVENT_KINDS = new Set<RuleKind>(['errorRatio', 'latency', 'rate', 'slo'])

/** Validates rules (plain objects or builders) at registration and returns them normalized. */
export function normalizeRules (inputs: unknown, where = 'rules'): NormalizedRule[] {
  if (!Array.isArray(inputs)) throw new InvalidRuleError(where, 'expected an array of rules')
  const seen = new Set<string>()
  return inputs.map((input, index) => {
    const rule = normalizeRule(input, `${where}[${index}]`)
    if (seen.has(rule.name)) throw new DuplicateRuleError(rule.name)
    seen.add(rule.name)
    return rule
  })
}

function resolveInput (input: unknown, where: string): Rule {
  if (input !== null && typeof input === 'object' && typeof (input as { build?: unknown }).build === 'function' && !('kind' in input)) {
    return (input as { build: () => Rule }).build()
  }
  if (input === null || typeof input !== 'object') throw new InvalidRuleError(where, 'expected a rule object or a rule builder')
  return input as Rule
}

export function normalizeRule (input: RuleInput | unknown, at: string): NormalizedRule {
  const rule = resolveInput(input, at)
  const name = (rule as { name?: unknown }).name
  if (typeof name !== 'string' || !LABEL_NAME.test(name)) {
    throw new InvalidRuleError(at, 'name must be letters, digits and underscores, not starting with a digit (it becomes the alertname)')
  }
  const where = `"${name}" (${at})`
  const kind = (rule as { kind?: unknown }).kind
  if (!KINDS.includes(kind as RuleKind)) throw new InvalidRuleError(where, `kind must be one of ${KINDS.join(', ')}`)
  const r = rule as unknown as Record<string, unknown>

  if (r.description !== undefined && typeof r.description !== 'string') throw new InvalidRuleError(where, 'description must be a string')
  // The description is the default `description` annotation: a template too.
  if (r.description !== undefined) compileTemplate(r.description, `${where}.description`)
  if (kind === 'slo' && r.severity !== undefined) throw new InvalidRuleError(where, 'an SLO rule sets severity on each burn-rate window, not on the rule')
  const severity = r.severity ?? 'warning'
  if (!SEVERITIES.includes(severity as Severity)) throw new InvalidRuleError(where, `severity must be one of ${SEVERITIES.join(', ')}`)
  if (!THRESHOLD_KINDS.has(kind as RuleKind) && (r.above !== undefined || r.below !== undefined || r.outside !== undefined)) {
    throw new InvalidRuleError(where, `a ${String(kind)} rule has no threshold (above, below, outside)`)
  }
  if (!EVENT_KINDS.has(kind as RuleKind) && r.minEvents !== undefined) {
    throw new InvalidRuleError(where, `minEvents applies to rules over requests or counters (errorRatio, latency, rate, slo), not to ${String(kind)}`)
  }
  assertKnownOptions(r, ruleFields(kind as RuleKind), unknownField(where))
  const minEvents = r.minEvents ?? 0
  if (typeof minEvents !== 'number' || !Number.isFinite(minEvents) || minEvents < 0) throw new InvalidRuleError(where, 'minEvents must be a number ≥ 0')

  const base: Base = {
    name,
    description: r.description as string | undefined,
    severity: severity as Severity,
    labels: ruleLabels(r.labels, where),
    annotations: ruleAnnotations(r.annotations, where),
    forMs: ruleDuration(where, 'for', r.for ?? 0),
    keepFiringForMs: ruleDuration(where, 'keepFiringFor', r.keepFiringFor ?? 0),
    channels: ruleChannels(r.channels, where),
    by: ruleBy(r.by, where),
    match: toMatchers(r.match as LabelMatchers | undefined, where),
    minEvents,
    where
  }
  // The rule's labels override the expression's: a label the expression groups by would give
  // every group the same labels, and their alerts would collide (Prometheus fails such a rule).
  const overlap = base.by.find((label) => label in base.labels)
  if (overlap !== undefined) {
    throw new InvalidRuleError(where, `label "${overlap}" is also in by: every group would get the same ${overlap}, and their alerts the same labels`)
  }
  const metric = (fallback?: string): string => {
    const value = r.metric ?? fallback
    if (typeof value !== 'string' || !METRIC_NAME.test(value)) throw new InvalidRuleError(where, 'metric must be a metric name')
    return value
  }
  const window = (): number => ruleDuration(where, 'window', r.window, { min: 1 })

  switch (kind as RuleKind) {
    case 'errorRatio':
      return { ...base, kind: 'errorRatio', threshold: reachable('errorRatio', threshold(r, where), where), window: window(), metric: metric(DEFAULT_REQUESTS_METRIC), errors: errorMatchers(r.errors, where) }
    case 'latency': {
      const q = r.quantile
      if (typeof q !== 'number' || !(q > 0 && q < 1)) throw new InvalidRuleError(where, 'quantile must be a number strictly between 0 and 1, e.g. 0.99')
      if (base.by.includes('le')) throw new InvalidRuleError(where, 'by cannot hold "le": the quantile is computed over the buckets')
      return { ...base, kind: 'latency', threshold: reachable('latency', threshold(r, where), where), window: window(), metric: histogramName(metric(DEFAULT_DURATION_METRIC), where), quantile: q, nativeHistogram: nativeHistogram(r, where) }
    }
    case 'rate':
      return { ...base, kind: 'rate', threshold: reachable('rate', threshold(r, where), where), window: window(), metric: metric() }
    case 'gauge': {
      const aggregate = r.aggregate ?? 'none'
      if (!['sum', 'avg', 'min', 'max', 'none'].includes(aggregate as string)) throw new InvalidRuleError(where, 'aggregate must be sum, avg, min, max or none')
      if (aggregate === 'none' && base.by.length > 0) throw new InvalidRuleError(where, 'by needs an aggregate (sum, avg, min or max); "none" keeps every series apart')
      return { ...base, kind: 'gauge', threshold: threshold(r, where), metric: metric(), aggregate: aggregate as GaugeAggregation }
    }
    case 'slo':
      return normalizeSlo(base, r, where, metric)
    case 'absent':
      if (base.by.length > 0) throw new InvalidRuleError(where, 'an absent rule has no by: absent() has no series to group')
      return { ...base, kind: 'absent', metric: metric() }
    case 'custom':
      if (typeof r.check !== 'function') throw new InvalidRuleError(where, 'check must be a function (context) => boolean | number | alerts')
      if (base.by.length > 0 || base.match.length > 0) throw new InvalidRuleError(where, 'a custom rule has no by or match: return labels from check instead')
      return { ...base, kind: 'custom', check: r.check as CustomRule['check'] }
  }
}

function nativeHistogram (r: Record<string, unknown>, where: string): boolean {
  const value = r.nativeHistogram ?? false
  if (typeof value !== 'boolean') throw new InvalidRuleError(where, 'nativeHistogram must be true or false')
  return value
}

function normalizeSlo (base: Base, r: Record<string, unknown>, where: string, metric: (fallback?: string) => string): NormalizedRule {
  const objective = r.objective
  if (typeof objective !== 'number' || !(objective > 0 && objective < 1)) throw new InvalidRuleError(where, 'objective must be strictly between 0 and 1, e.g. 0.999')
  const indicator = r.indicator
  if (indicator !== 'availability' && indicator !== 'latency') throw new InvalidRuleError(where, 'indicator must be "availability" or "latency"')
  let latencyThreshold: number | undefined
  if (indicator === 'latency') {
    latencyThreshold = r.threshold as number
    if (typeof latencyThreshold !== 'number' || !Number.isFinite(latencyThreshold) || latencyThreshold <= 0) {
      throw new InvalidRuleError(where, 'a latency SLO needs threshold: seconds, a bucket bound of the histogram (e.g. 0.5)')
    }
  } else if (r.threshold !== undefined) {
    throw new InvalidRuleError(where, 'threshold is for latency SLOs')
  }
  if (indicator === 'latency' && r.errors !== undefined) throw new InvalidRuleError(where, 'errors is for availability SLOs')
  if (indicator !== 'latency' && r.nativeHistogram !== undefined) throw new InvalidRuleError(where, 'nativeHistogram is for latency SLOs')
  if (base.by.includes('le') || base.by.includes('slo')) throw new InvalidRuleError(where, 'by cannot hold "le" or "slo" (the SLO recording rules add "slo")')
  const list = r.windows ?? DEFAULT_BURN_RATE_WINDOWS
  if (!Array.isArray(list) || list.length === 0) throw new InvalidRuleError(where, 'windows must be a non-empty array of { long, short, burnRate, severity }')
  const windows = list.map((w: Partial<BurnRateWindow>, i) => {
    const at = `windows[${i}]`
    if (w === null || typeof w !== 'object') throw new InvalidRuleError(where, `${at} must be { long, short, burnRate, severity }`)
    assertKnownOptions(w, WINDOW_FIELDS, unknownField(where), `${at}.`)
    const long = ruleDuration(where, `${at}.long`, w.long, { min: 1 })
    const short = ruleDuration(where, `${at}.short`, w.short, { min: 1 })
    if (short >= long) throw new InvalidRuleError(where, `${at}: the short window must be shorter than the long one`)
    if (typeof w.burnRate !== 'number' || !Number.isFinite(w.burnRate) || w.burnRate <= 0) throw new InvalidRuleError(where, `${at}.burnRate must be a number > 0`)
    // The error ratio is at most 1, so the burn rate at most 1 / (1 - objective).
    const highest = 1 / (1 - objective)
    if (w.burnRate >= highest * (1 - 1e-9)) {
      throw new InvalidRuleError(where, `${at}.burnRate ${w.burnRate} can never be reached: with objective ${objective} the highest burn rate is ${Number(highest.toPrecision(6))} (every request failing)`)
    }
    if (!SEVERITIES.includes(w.severity as Severity)) throw new InvalidRuleError(where, `${at}.severity must be one of ${SEVERITIES.join(', ')}`)
    return { long, short, burnRate: w.burnRate, severity: w.severity as Severity }
  })
  const name = indicator === 'latency' ? histogramName(metric(DEFAULT_DURATION_METRIC), where) : metric(DEFAULT_REQUESTS_METRIC)
  return {
    ...base,
    kind: 'slo',
    objective,
    indicator,
    latencyThreshold,
    windows,
    metric: name,
    errors: indicator === 'availability' ? errorMatchers(r.errors, where) : [],
    nativeHistogram: nativeHistogram(r, where)
  }
}

function errorMatchers (errors: unknown, where: string): Matcher[] {
  const matchers = toMatchers((errors ?? DEFAULT_ERRORS) as LabelMatchers, where)
  if (matchers.length === 0) throw new InvalidRuleError(where, 'errors must match at least one label, e.g. { status_code: /5../ }')
  return matchers
}

function histogramName (name: string, where: string): string {
  const suffix = HISTOGRAM_SUFFIX.exec(name)
  if (suffix !== null) throw new InvalidRuleError(where, `metric is the histogram's base name, without "${suffix[0]}"`)
  return name
}

/** What an expression of each kind can be: a threshold it can never cross is a mistake (5 for 5%). */
const RANGES: Partial<Record<RuleKind, { min: number, max: number, what: string }>> = {
  errorRatio: { min: 0, max: 1, what: 'an error ratio is between 0 and 1 (5% is 0.05)' },
  latency: { min: 0, max: Infinity, what: 'a latency is 0 seconds or more' },
  rate: { min: 0, max: Infinity, what: 'a rate is 0 per second or more' }
}

function reachable (kind: RuleKind, t: NormalizedThreshold, where: string): NormalizedThreshold {
  const range = RANGES[kind]!
  const [field, never] = 'above' in t
    ? [`above ${t.above}`, t.above >= range.max]
    : 'below' in t ? [`below ${t.below}`, t.below <= range.min] : [`outside [${t.outside.join(', ')}]`, t.outside[0] <= range.min && t.outside[1] >= range.max]
  if (never) throw new InvalidRuleError(where, `${field} can never be crossed: ${range.what}`)
  return t
}

function threshold (r: Threshold, where: string): NormalizedThreshold {
  const set = (['above', 'below', 'outside'] as const).filter((key) => r[key] !== undefined)
  if (set.length !== 1) throw new InvalidRuleError(where, 'set exactly one of above, below or outside')
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
  if (r.above !== undefined) {
    if (!finite(r.above)) throw new InvalidRuleError(where, 'above must be a finite number')
    return { above: r.above }
  }
  if (r.below !== undefined) {
    if (!finite(r.below)) throw new InvalidRuleError(where, 'below must be a finite number')
    return { below: r.below }
  }
  const range = r.outside
  if (!Array.isArray(range) || range.length !== 2 || !finite(range[0]) || !finite(range[1]) || !(range[0] < range[1])) {
    throw new InvalidRuleError(where, 'outside must be [low, high] with low < high')
  }
  return { outside: [range[0], range[1]] }
}

function ruleLabels (labels: unknown, where: string): Record<string, string> {
  if (labels === undefined) return {}
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) throw new InvalidRuleError(where, 'labels must be an object of strings')
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new InvalidRuleError(where, `"${name}" is not a label name`)
    if (RESERVED_LABELS.has(name)) throw new InvalidRuleError(where, `label "${name}" is set by the rule itself${name === 'severity' ? ' (use the severity field)' : ''}`)
    if (typeof value !== 'string') throw new InvalidRuleError(where, `label "${name}" must be a string`)
    out[name] = value
  }
  return Object.freeze(out)
}

function ruleAnnotations (annotations: unknown, where: string): Record<string, Annotation> {
  if (annotations === undefined) return {}
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) throw new InvalidRuleError(where, 'annotations must be an object of template strings')
  const out: Record<string, Annotation> = {}
  for (const [name, source] of Object.entries(annotations)) {
    if (!LABEL_NAME.test(name)) throw new InvalidRuleError(where, `"${name}" is not an annotation name`)
    if (typeof source !== 'string') throw new InvalidRuleError(where, `annotation "${name}" must be a string`)
    out[name] = { source, template: compileTemplate(source, `${where}.annotations.${name}`) }
  }
  return out
}

function ruleChannels (channels: unknown, where: string): string[] | undefined {
  if (channels === undefined) return undefined
  if (!Array.isArray(channels) || !channels.every((c) => typeof c === 'string' && c !== '')) {
    throw new InvalidRuleError(where, 'channels must be an array of notifier names')
  }
  return [...new Set(channels)]
}

function ruleBy (by: unknown, where: string): string[] {
  if (by === undefined) return []
  if (!Array.isArray(by)) throw new InvalidRuleError(where, 'by must be an array of label names')
  for (const name of by) {
    if (typeof name !== 'string' || !LABEL_NAME.test(name) || name.startsWith('__')) throw new InvalidRuleError(where, `by: "${String(name)}" is not a label name`)
  }
  if (new Set(by).size !== by.length) throw new InvalidRuleError(where, 'by lists a label twice')
  return [...by].sort()
}

/** Throws when a window of the rule is shorter than two evaluation intervals: a rate needs two samples. */
export function checkInterval (rule: NormalizedRule, intervalMs: number | false): void {
  if (intervalMs === false) return
  const short = ruleWindows(rule).find((w) => w < 2 * intervalMs)
  if (short !== undefined) {
    throw new InvalidRuleError(rule.where, `window ${formatDuration(short)} is shorter than two evaluation intervals (${formatDuration(intervalMs)}): a rate needs two samples`)
  }
}

/** Every window a rule reads, for the check against the evaluation interval. */
export function ruleWindows (rule: NormalizedRule): number[] {
  switch (rule.kind) {
    case 'errorRatio': case 'latency': case 'rate': return [rule.window]
    case 'slo': return rule.windows.flatMap((w) => [w.long, w.short])
    default: return []
  }
}
