import type { Expr } from '../promql/expr.js'
import { labelKey, type Sample, type Vector } from '../promql/vector.js'
import type { SourceSet } from '../series/source-set.js'

/** Thrown when an expression reads a family that failed to collect this cycle. */
export class SourceFailure extends Error {
  constructor (override readonly cause: unknown) {
    super(`collecting a metric failed: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

/**
 * Label sets that recording rules give the samples of sources, by node and by the sample's
 * label object. Sample label objects of sources live as long as their group, so these are
 * worked out once per group, not at every evaluation. Owned by one engine.
 */
export type RecordedLabels = WeakMap<Expr, WeakMap<object, { labels: Record<string, string>, key: string }>>

/** What one evaluation cycle reads and remembers. */
export interface EvaluationContext {
  readonly sources: SourceSet
  readonly now: number
  /** Results of this cycle by node (shared subexpressions, the SLO recording rules). */
  readonly memo: Map<Expr, Vector>
  readonly recorded: RecordedLabels
}

/**
 * Evaluates an expression at `context.now` over the sources, with PromQL's vector semantics:
 * binary operators match samples one-to-one on all their labels, comparisons filter,
 * `and`/`or` are set operations. Results are memoized per cycle by node identity.
 */
export function evaluate (expr: Expr, context: EvaluationContext): Vector {
  const cached = context.memo.get(expr)
  if (cached !== undefined) return cached
  const result = compute(expr, context)
  context.memo.set(expr, result)
  return result
}

function compute (expr: Expr, context: EvaluationContext): Vector {
  const { sources, now } = context
  switch (expr.op) {
    case 'sumRate': case 'quantile': case 'aggregate': case 'absent': {
      const failure = sources.failure(expr)
      if (failure !== undefined) throw new SourceFailure(failure)
      break
    }
  }
  switch (expr.op) {
    case 'sumRate':
      if (expr.bound !== undefined) sources.checkBound(expr)
      if (expr.fullWindow === true && !sources.watched(expr, now)) return new Map()
      return sources.counter(expr).rate(expr.window, now, expr.fn === 'rate')
    case 'quantile':
      return sources.nativeQuantile(expr, now) ?? sources.counter(expr).quantile(expr.q, expr.window, now)
    case 'aggregate':
      return sources.gauge(expr).vector()
    case 'absent': {
      if (sources.absent(expr).present()) return new Map()
      const labels: Record<string, string> = {}
      for (const m of expr.selector.matchers) if (m.type === '=' && m.value !== '') labels[m.name] = m.value
      return new Map([[labelKey(labels), { labels, value: 1 }]])
    }
    case 'binary': {
      const left = evaluate(expr.left, context)
      const right = evaluate(expr.right, context)
      const out: Vector = new Map()
      for (const [key, l] of left) {
        const r = right.get(key)
        if (r === undefined) continue
        out.set(key, { labels: l.labels, value: expr.fn === '/' ? l.value / r.value : l.value - r.value })
      }
      return out
    }
    case 'scale':
      return map(evaluate(expr.expr, context), (s) => ({ labels: s.labels, value: s.value / expr.value }))
    case 'compare': {
      const out: Vector = new Map()
      for (const [key, s] of evaluate(expr.expr, context)) {
        const keep = expr.cmp === '>' ? s.value > expr.value : expr.cmp === '<' ? s.value < expr.value : s.value >= expr.value
        if (keep) out.set(key, s)
      }
      return out
    }
    case 'and': {
      const left = evaluate(expr.left, context)
      const right = evaluate(expr.right, context)
      const on = expr.on
      const keys = new Set<string>()
      for (const [key, s] of right) keys.add(on === undefined ? key : project(s.labels, on))
      const out: Vector = new Map()
      for (const [key, s] of left) if (keys.has(on === undefined ? key : project(s.labels, on))) out.set(key, s)
      return out
    }
    case 'or': {
      const out: Vector = new Map(evaluate(expr.left, context))
      for (const [key, s] of evaluate(expr.right, context)) if (!out.has(key)) out.set(key, s)
      return out
    }
    case 'record': {
      let byLabels = context.recorded.get(expr)
      if (byLabels === undefined) context.recorded.set(expr, byLabels = new WeakMap())
      const out: Vector = new Map()
      for (const s of evaluate(expr.expr, context).values()) {
        let entry = byLabels.get(s.labels)
        if (entry === undefined) {
          const labels = { ...s.labels, ...expr.labels }
          byLabels.set(s.labels, entry = { labels, key: labelKey(labels) })
        }
        out.set(entry.key, { labels: entry.labels, value: s.value })
      }
      return out
    }
    case 'custom':
      throw new Error('custom conditions are evaluated by the engine, not here')
  }
}

function map (vector: Vector, fn: (s: Sample) => Sample): Vector {
  const out: Vector = new Map()
  for (const [key, s] of vector) out.set(key, fn(s))
  return out
}

function project (labels: Readonly<Record<string, string>>, on: readonly string[]): string {
  let key = ''
  for (const name of on) key += `${labels[name] ?? ''}\xfe`
  return key
}
