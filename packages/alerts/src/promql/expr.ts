import type { Matcher, Selector } from './matchers.js'

/** How `aggregate` combines the series of a group; `none` keeps every series apart. */
export type GaugeAggregation = 'sum' | 'avg' | 'min' | 'max' | 'none'

/** A condition written in code (a custom rule): what it returns is checked when it is evaluated. */
export type CustomCheck = (context: { now: number }) => unknown

/**
 * The small part of PromQL that rules compile to. `promql.ts` writes it as PromQL text for
 * Prometheus; `evaluate.ts` computes it in-process. Both read the same tree, which is what
 * makes one rule definition mean the same thing to both engines.
 */
export type Expr =
  /**
   * `sum by (by) (rate(selector[window]))`, or `increase`. In-process only: `fullWindow` gives
   * no result until the engine has watched the whole window (where a rate that is low only
   * because the history is short could fire); `bound` says the selector reads the histogram
   * bucket at that bound, which must exist once the family has series.
   */
  | {
    readonly op: 'sumRate'
    readonly fn: 'rate' | 'increase'
    readonly selector: Selector
    readonly window: number
    readonly by: readonly string[]
    readonly fullWindow?: boolean
    readonly bound?: number
    /** Written out only: the histogram's `_count` or `_bucket` is read from this native histogram. */
    readonly native?: string
  }
  /**
   * `histogram_quantile(q, sum by (le, by) (rate(<histogram>_bucket[window])))`. `native` is
   * for writing out only: Prometheus keeps the histogram of that name as a native histogram.
   */
  | { readonly op: 'quantile', readonly q: number, readonly selector: Selector, readonly window: number, readonly by: readonly string[], readonly native?: string }
  /** `agg by (by) (selector)`, or the bare selector for `none`. */
  | { readonly op: 'aggregate', readonly agg: GaugeAggregation, readonly selector: Selector, readonly by: readonly string[] }
  /** `absent(selector)`. */
  | { readonly op: 'absent', readonly selector: Selector }
  /** Vector with vector, one-to-one on all labels. */
  | { readonly op: 'binary', readonly fn: '/' | '-', readonly left: Expr, readonly right: Expr }
  /** Vector with a number: `expr / value`. */
  | { readonly op: 'scale', readonly fn: '/', readonly expr: Expr, readonly value: number }
  /** A comparison that filters: `expr > value`. */
  | { readonly op: 'compare', readonly cmp: '>' | '<' | '>=', readonly expr: Expr, readonly value: number }
  | { readonly op: 'and', readonly left: Expr, readonly right: Expr, readonly on?: readonly string[] }
  | { readonly op: 'or', readonly left: Expr, readonly right: Expr }
  /** The series a recording rule writes: `record{labels}`. In-process, its expression with the labels added. */
  | { readonly op: 'record', readonly record: string, readonly labels: Readonly<Record<string, string>>, readonly expr: Expr }
  /** In-process only. */
  | { readonly op: 'custom', readonly check: CustomCheck }

export type { Matcher, Selector }

/** Every leaf of an expression (the parts that read series), once each. */
export function leaves (expr: Expr, out: Expr[] = []): Expr[] {
  switch (expr.op) {
    case 'binary': case 'and': case 'or':
      leaves(expr.left, out)
      leaves(expr.right, out)
      break
    case 'scale': case 'compare': case 'record':
      leaves(expr.expr, out)
      break
    default:
      if (!out.includes(expr)) out.push(expr)
  }
  return out
}
