import { formatDuration } from './duration.js'
import { NotExportableError } from '../errors.js'
import type { Expr } from './expr.js'
import type { Selector } from './matchers.js'

// PromQL binary operator precedence, lowest first; selectors, calls and aggregations are atoms.
const PRECEDENCE = { or: 0, and: 1, compare: 2, '-': 3, '/': 4, atom: 9 } as const

function precedence (expr: Expr): number {
  switch (expr.op) {
    case 'or': return PRECEDENCE.or
    case 'and': return PRECEDENCE.and
    case 'compare': return PRECEDENCE.compare
    case 'binary': return PRECEDENCE[expr.fn]
    case 'scale': return PRECEDENCE['/']
    default: return PRECEDENCE.atom
  }
}

/**
 * PromQL text of an expression, with parentheses only where precedence needs them (and around
 * `and` inside `or`, for readers). `rule` names the rule in the error a custom condition raises.
 */
export function toPromQL (expr: Expr, rule: string): string {
  // Operators are left-associative: a right operand of the same precedence needs parentheses.
  const operand = (child: Expr, right = false): string => {
    const text = toPromQL(child, rule)
    const p = precedence(child)
    const parent = precedence(expr)
    const wrap = p < parent || (right && p === parent) || (expr.op === 'or' && child.op === 'and')
    return wrap ? `(${text})` : text
  }
  switch (expr.op) {
    case 'sumRate':
      if (expr.native !== undefined) return nativeSumRate(expr, expr.native)
      return `${sumBy(expr.by)}(${expr.fn}(${selector(expr.selector)}[${formatDuration(expr.window)}]))`
    case 'quantile':
      if (expr.native !== undefined) {
        return `histogram_quantile(${number(expr.q)}, ${sumBy(expr.by)}(rate(${nativeSelector(expr.selector, expr.native)}[${formatDuration(expr.window)}])))`
      }
      return `histogram_quantile(${number(expr.q)}, ${sumBy(['le', ...expr.by])}(rate(${selector(expr.selector)}[${formatDuration(expr.window)}])))`
    case 'aggregate':
      return expr.agg === 'none' ? selector(expr.selector) : `${expr.agg}${expr.by.length === 0 ? '' : ` by (${expr.by.join(', ')}) `}(${selector(expr.selector)})`
    case 'absent':
      return `absent(${selector(expr.selector)})`
    case 'binary':
      return `${operand(expr.left)} ${expr.fn} ${operand(expr.right, true)}`
    case 'scale':
      return `${operand(expr.expr)} ${expr.fn} ${number(expr.value)}`
    case 'compare':
      return `${operand(expr.expr)} ${expr.cmp} ${number(expr.value)}`
    case 'and':
      return `${operand(expr.left)} and${expr.on === undefined ? '' : ` on (${expr.on.join(', ')})`} ${operand(expr.right, true)}`
    case 'or':
      return `${operand(expr.left)} or ${operand(expr.right, true)}`
    case 'record':
      return selector({ metric: expr.record, matchers: Object.entries(expr.labels).map(([name, value]) => ({ name, type: '=', value, matches: () => true })) })
    case 'custom':
      throw new NotExportableError(rule, 'its condition is a JavaScript function, which only the in-process engine can run')
  }
}

// A native histogram has no `_count` or `_bucket` series: the same numbers come from
// `histogram_count`, and the share at or below a bound from `histogram_fraction` (interpolated
// within the bucket the bound falls in, where the classic bucket was exact).
function nativeSumRate (expr: Extract<Expr, { op: 'sumRate' }>, native: string): string {
  const histograms = `${sumBy(expr.by)}(${expr.fn}(${nativeSelector(expr.selector, native)}[${formatDuration(expr.window)}]))`
  if (expr.bound === undefined) return `histogram_count(${histograms})`
  return `(histogram_fraction(-Inf, ${number(expr.bound)}, ${histograms}) * histogram_count(${histograms}))`
}

/** The histogram itself, for a selector of its `_count` or `_bucket` (whose `le` matcher goes). */
function nativeSelector (s: Selector, native: string): string {
  return selector({ metric: native, matchers: s.matchers.filter((m) => m.name !== 'le') })
}

function sumBy (by: readonly string[]): string {
  return by.length === 0 ? 'sum' : `sum by (${by.join(', ')}) `
}

export function selector (s: Selector): string {
  if (s.matchers.length === 0) return s.metric
  return `${s.metric}{${s.matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(', ')}}`
}

/** A number as PromQL reads it. */
function number (v: number): string {
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}
