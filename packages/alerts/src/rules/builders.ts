import type { Duration } from '../promql/duration.js'
import { normalizeRule } from './normalize.js'
import type {
  AbsentRule, BurnRateWindow, CustomRule, ErrorRatioRule, GaugeAggregation, GaugeRule, LabelMatchers, LatencyRule,
  RateRule, Rule, RuleSource, Severity, SloRule
} from './types.js'

type Draft<R extends Rule> = { -readonly [K in keyof R]?: R[K] } & Pick<R, 'kind' | 'name'>

/**
 * Fluent builders for the same plain rule objects: `rules.errorRatio('HighErrorRate').above(0.05)
 * .over('5m').for('2m')`. `build()` validates and returns the plain object; the plugin and
 * `exportRules` take builders as they are.
 */
class RuleBuilder<R extends Rule> implements RuleSource {
  protected readonly draft: Draft<R>

  constructor (kind: R['kind'], name: string, fields: Partial<R> = {}) {
    this.draft = { ...fields, kind, name } as Draft<R>
  }

  description (text: string): this { this.draft.description = text; return this }
  severity (severity: Severity): this { (this.draft as Draft<GaugeRule>).severity = severity; return this }
  labels (labels: Record<string, string>): this { this.draft.labels = { ...this.draft.labels, ...labels }; return this }
  /** Adds an annotation, a Prometheus template such as `'{{ $value | humanizePercentage }} of requests fail'`. */
  annotate (name: string, template: string): this { this.draft.annotations = { ...this.draft.annotations, [name]: template }; return this }
  for (duration: Duration): this { this.draft.for = duration; return this }
  keepFiringFor (duration: Duration): this { this.draft.keepFiringFor = duration; return this }
  channels (...channels: string[]): this { this.draft.channels = channels; return this }
  by (...labels: string[]): this { this.draft.by = labels; return this }
  match (matchers: LabelMatchers): this { this.draft.match = { ...this.draft.match, ...matchers }; return this }

  /** The plain rule; throws the coded error the plugin would throw for it. */
  build (): R {
    const rule = { ...this.draft } as unknown as R
    normalizeRule(rule, `rule builder "${this.draft.name}"`)
    return rule
  }
}

class ThresholdBuilder<R extends ErrorRatioRule | LatencyRule | RateRule | GaugeRule> extends RuleBuilder<R> {
  above (value: number): this { this.setThreshold({ above: value }); return this }
  below (value: number): this { this.setThreshold({ below: value }); return this }
  outside (low: number, high: number): this { this.setThreshold({ outside: [low, high] }); return this }

  private setThreshold (threshold: { above?: number, below?: number, outside?: [number, number] }): void {
    const draft = this.draft as Draft<GaugeRule>
    delete draft.above
    delete draft.below
    delete draft.outside
    Object.assign(draft, threshold)
  }
}

class WindowBuilder<R extends ErrorRatioRule | LatencyRule | RateRule> extends ThresholdBuilder<R> {
  /** The window the rate, ratio or quantile covers. */
  over (window: Duration): this { this.draft.window = window; return this }
  minEvents (count: number): this { this.draft.minEvents = count; return this }
  metric (name: string): this { this.draft.metric = name; return this }
}

export class ErrorRatioBuilder extends WindowBuilder<ErrorRatioRule> {
  /** Which requests are errors; default `{ status_code: /5../ }`. */
  errors (matchers: LabelMatchers): this { this.draft.errors = matchers; return this }
}

export class LatencyBuilder extends WindowBuilder<LatencyRule> {
  quantile (q: number): this { this.draft.quantile = q; return this }
}

export class RateBuilder extends WindowBuilder<RateRule> {}

export class GaugeBuilder extends ThresholdBuilder<GaugeRule> {
  aggregate (aggregate: GaugeAggregation): this { this.draft.aggregate = aggregate; return this }
}

export class SloBuilder extends RuleBuilder<SloRule> {
  /** Good requests are not errors (not 5xx by default); `objective` such as 0.999. */
  availability (objective: number): this {
    Object.assign(this.draft, { indicator: 'availability', objective })
    delete this.draft.threshold
    return this
  }

  /** Good requests are faster than `thresholdSeconds` (a bucket bound of the histogram). */
  latency (objective: number, thresholdSeconds: number): this {
    Object.assign(this.draft, { indicator: 'latency', objective, threshold: thresholdSeconds })
    return this
  }

  windows (windows: BurnRateWindow[]): this { this.draft.windows = windows; return this }
  minEvents (count: number): this { this.draft.minEvents = count; return this }
  metric (name: string): this { this.draft.metric = name; return this }
  errors (matchers: LabelMatchers): this { this.draft.errors = matchers; return this }
}

export class AbsentBuilder extends RuleBuilder<AbsentRule> {}
export class CustomBuilder extends RuleBuilder<CustomRule> {}

/** Rule builders, one per kind. */
export const rules = {
  errorRatio: (name: string) => new ErrorRatioBuilder('errorRatio', name),
  latency: (name: string, quantile = 0.99) => new LatencyBuilder('latency', name).quantile(quantile),
  rate: (name: string, metric: string) => new RateBuilder('rate', name).metric(metric),
  gauge: (name: string, metric: string) => new GaugeBuilder('gauge', name, { metric }),
  slo: (name: string) => new SloBuilder('slo', name),
  absent: (name: string, metric: string) => new AbsentBuilder('absent', name, { metric }),
  /** In-process only: the export leaves it out (or fails with OBS_ALERTS_NOT_EXPORTABLE when strict). */
  custom: (name: string, check: CustomRule['check']) => new CustomBuilder('custom', name, { check })
}
