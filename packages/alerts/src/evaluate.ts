import type { Expr } from './expr.js'
import { labelKey } from './series-index.js'
import type { Sample, Vector } from './sources.js'
import type { SourceSet } from './source-set.js'

/** Thrown when an expression reads a family that failed to collect this cycle. */
export class SourceFailure extends Error {
  constructor (override readonly cause: unknown) {
    super(`collecting a metric failed: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

/**
 * Evaluates an expression at `now` over the sources, with PromQL's vector semantics: binary
 * operators match samples one-to-one on all their labels, comparisons filter, `and`/`or` are
 * set operations. Results are memoized per cycle in `memo` (shared subexpressions, the SLO
 * recording rules) by node identity.
 */
export function evaluate (expr: Expr, sources: SourceSet, now: number, memo: Map<Expr, Vector>): Vector {
  const cached = memo.get(expr)
  if (cached !== undefined) return cached
  const result = compute(expr, sources, now, memo)
  memo.set(expr, result)
  return result
}

function compute (expr: Expr, sources: SourceSet, now: number, memo: Map<Expr, Vector>): Vector {
  switch (expr.op) {
    case 'sumRate': case 'quantile': case 'aggregate': case 'absent': {
      const failure = sources.failure(expr)
      if (failure !== undefined) throw new SourceFailure(failure)
      break
    }
  }
  switch (expr.op) {
    case 'sumRate':
      return sources.counter(expr).rate(expr.window, now, expr.fn === 'rate')
    case 'quantile':
      return sources.counter(expr).quantile(expr.q, expr.window, now)
    case 'aggregate':
      return sources.gauge(expr).vector()
    case 'absent': {
      if (sources.absent(expr).present()) return new Map()
      const labels: Record<string, string> = {}
      for (const m of expr.selector.matchers) if (m.type === '=' && m.value !== '') labels[m.name] = m.value
      return new Map([[labelKey(labels), { labels, value: 1 }]])
    }
    case 'binary': {
      const left = evaluate(expr.left, sources, now, memo)
      const right = evaluate(expr.right, sources, now, memo)
      const out: Vector = new Map()
      for (const [key, l] of left) {
        const r = right.get(key)
        if (r === undefined) continue
        out.set(key, { labels: l.labels, value: expr.fn === '/' ? l.value / r.value : l.value - r.value })
      }
      return out
    }
    case 'scale':
      return map(evaluate(expr.expr, sources, now, memo), (s) => ({ labels: s.labels, value: s.value / expr.value }))
    case 'compare': {
      const out: Vector = new Map()
      for (const [key, s] of evaluate(expr.expr, sources, now, memo)) {
        const keep = expr.cmp === '>' ? s.value > expr.value : expr.cmp === '<' ? s.value < expr.value : s.value >= expr.value
        if (keep) out.set(key, s)
      }
      return out
    }
    case 'and': {
      const left = evaluate(expr.left, sources, now, memo)
      const right = evaluate(expr.right, sources, now, memo)
      const on = expr.on
      const keys = new Set<string>()
      for (const [key, s] of right) keys.add(on === undefined ? key : project(s.labels, on))
      const out: Vector = new Map()
      for (const [key, s] of left) if (keys.has(on === undefined ? key : project(s.labels, on))) out.set(key, s)
      return out
    }
    case 'or': {
      const out: Vector = new Map(evaluate(expr.left, sources, now, memo))
      for (const [key, s] of evaluate(expr.right, sources, now, memo)) if (!out.has(key)) out.set(key, s)
      return out
    }
    case 'record': {
      const out: Vector = new Map()
      for (const s of evaluate(expr.expr, sources, now, memo).values()) {
        const { labels, key } = recordLabels(expr, s.labels)
        out.set(key, { labels, value: s.value })
      }
      return out
    }
    case 'custom':
      throw new Error('custom conditions are evaluated by the engine, not here')
  }
}

// Sample label objects of sources live as long as their group: the labels a recording rule
// adds to them are worked out once per group, not at every evaluation.
const recorded = new WeakMap<Expr, WeakMap<object, { labels: Record<string, string>, key: string }>>()

function recordLabels (expr: Extract<Expr, { op: 'record' }>, source: Readonly<Record<string, string>>): { labels: Record<string, string>, key: string } {
  let byLabels = recorded.get(expr)
  if (byLabels === undefined) recorded.set(expr, byLabels = new WeakMap())
  let entry = byLabels.get(source)
  if (entry === undefined) {
    const labels = { ...source, ...expr.labels }
    byLabels.set(source, entry = { labels, key: labelKey(labels) })
  }
  return entry
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
