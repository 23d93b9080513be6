import type { Expr } from '../promql/expr.js'
import { labelKey, type Vector } from '../promql/vector.js'
import { VectorBuffer } from '../promql/vector-buffer.js'
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

/** The result buffer of each node, reused from cycle to cycle (see VectorBuffer). Owned by one engine. */
export type NodeBuffers = WeakMap<Expr, VectorBuffer>

/** What one evaluation cycle reads and remembers. */
export interface EvaluationContext {
  readonly sources: SourceSet
  readonly now: number
  /** Results of this cycle by node (shared subexpressions, the SLO recording rules). */
  readonly memo: Map<Expr, Vector>
  readonly recorded: RecordedLabels
  readonly buffers: NodeBuffers
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
      const out = bufferOf(expr, context)
      const divide = expr.fn === '/'
      left.forEach((l, key) => {
        const r = right.get(key)
        if (r !== undefined) out.push(key, l.labels, divide ? l.value / r.value : l.value - r.value)
      })
      return out.finish()
    }
    case 'scale': {
      const out = bufferOf(expr, context)
      const by = expr.value
      evaluate(expr.expr, context).forEach((s, key) => out.push(key, s.labels, s.value / by))
      return out.finish()
    }
    case 'compare': {
      const out = bufferOf(expr, context)
      const { cmp, value } = expr
      evaluate(expr.expr, context).forEach((s, key) => {
        if (cmp === '>' ? s.value > value : cmp === '<' ? s.value < value : s.value >= value) out.push(key, s.labels, s.value)
      })
      return out.finish()
    }
    case 'and': {
      const left = evaluate(expr.left, context)
      const right = evaluate(expr.right, context)
      const out = bufferOf(expr, context)
      const on = expr.on
      if (on === undefined) {
        left.forEach((s, key) => { if (right.has(key)) out.push(key, s.labels, s.value) })
      } else {
        const keys = new Set<string>()
        right.forEach((s) => keys.add(project(s.labels, on)))
        left.forEach((s, key) => { if (keys.has(project(s.labels, on))) out.push(key, s.labels, s.value) })
      }
      return out.finish()
    }
    case 'or': {
      const left = evaluate(expr.left, context)
      const out = bufferOf(expr, context)
      left.forEach((s, key) => out.push(key, s.labels, s.value))
      evaluate(expr.right, context).forEach((s, key) => { if (!left.has(key)) out.push(key, s.labels, s.value) })
      return out.finish()
    }
    case 'record': {
      let byLabels = context.recorded.get(expr)
      if (byLabels === undefined) context.recorded.set(expr, byLabels = new WeakMap())
      const recorded = byLabels
      const out = bufferOf(expr, context)
      evaluate(expr.expr, context).forEach((s) => {
        let entry = recorded.get(s.labels)
        if (entry === undefined) {
          const labels = { ...s.labels, ...expr.labels }
          recorded.set(s.labels, entry = { labels, key: labelKey(labels) })
        }
        out.push(entry.key, entry.labels, s.value)
      })
      return out.finish()
    }
    case 'custom':
      throw new Error('custom conditions are evaluated by the engine, not here')
  }
}

/** The node's result buffer, started for this cycle. */
function bufferOf (expr: Expr, context: EvaluationContext): VectorBuffer {
  let buffer = context.buffers.get(expr)
  if (buffer === undefined) context.buffers.set(expr, buffer = new VectorBuffer())
  buffer.start()
  return buffer
}

function project (labels: Readonly<Record<string, string>>, on: readonly string[]): string {
  let key = ''
  for (const name of on) key += `${labels[name] ?? ''}\xfe`
  return key
}
