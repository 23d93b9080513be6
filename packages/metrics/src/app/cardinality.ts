import { labelPairs } from '../exposition/text-format.js'
import { OVERFLOW } from '../names.js'

/** One metric whose overflow is counted: its `metric` label, and how to read its count. */
export interface OverflowSource {
  readonly labels: Readonly<Record<string, string>>
  readonly pairs: string
  readonly read: () => number
}

/**
 * Counts, per metric, the observations that landed in the overflow series because the metric
 * already held its maximum number of label sets.
 */
export class OverflowCounter {
  readonly sources: OverflowSource[] = []

  track (metric: string, read: () => number): void {
    const labels = { metric }
    this.sources.push({ labels, pairs: labelPairs(labels), read })
  }
}

type LabelArgument = Record<string, string | number | undefined> | undefined
type Method = (this: unknown, labels: LabelArgument, ...rest: unknown[]) => unknown

// Every @prometheus-io/client path that records a value goes through one of these (labels(),
// startTimer() and setToCurrentTime() call them on the instance), so guarding them guards everything.
const RECORDING_METHODS = ['inc', 'dec', 'set', 'observe', 'zero'] as const

/** What the cap reads of an @prometheus-io/client metric's label store (`metric.store`, a LabelMap). */
interface LabelStore {
  readonly size: number
  entry (labels: object): unknown
  keyFrom (labels: object): string
}

/**
 * Caps the label sets of an @prometheus-io/client metric at `max`: a new label set over the cap is
 * recorded under labels that are all `__overflow__`, and counted in `overflow` once per observation.
 *
 * The label sets held are the client's own store (read afresh each time: `reset` replaces it), so
 * nothing is kept twice. Only children made with labels() and not yet recorded are remembered
 * here, as the client stores a label set at its first value.
 */
export function capLabelSets (metric: object, labelNames: readonly string[], max: number, overflow: OverflowCounter, name: string): void {
  if (labelNames.length === 0) return
  const store = (): LabelStore => (metric as { store: LabelStore }).store
  // Children let in under the cap that had no value yet, by the client's key.
  const reserved = new Map<string, object>()
  const overflowLabels = Object.fromEntries(labelNames.map((label) => [label, OVERFLOW]))
  let dropped = 0
  overflow.track(name, () => dropped)

  const isOverflow = (labels: Record<string, unknown>): boolean => {
    for (const label of labelNames) if (labels[label] !== OVERFLOW) return false
    return true
  }
  // The store and its size when reserved children were last checked: only a new entry can be one.
  let checked: { labels: LabelStore, size: number } | undefined
  /** Label sets held, the overflow series aside; reserved children that have since been recorded are forgotten. */
  const held = (labels: LabelStore): number => {
    if (reserved.size > 0 && (checked?.labels !== labels || checked.size !== labels.size)) {
      for (const [key, child] of reserved) if (labels.entry(child) !== undefined) reserved.delete(key)
      checked = { labels, size: labels.size }
    }
    return labels.size + reserved.size - (labels.entry(overflowLabels) === undefined ? 0 : 1)
  }
  /** The labels to record under; `observation` is false when only a child is being made. */
  const guard = (labels: LabelArgument, observation = true): LabelArgument => {
    if (labels === null || typeof labels !== 'object') return labels
    const labelStore = store()
    if (labelStore.entry(labels) !== undefined || isOverflow(labels)) return labels
    if (reserved.size > 0 && reserved.has(labelStore.keyFrom(labels))) return labels
    if (held(labelStore) < max) {
      if (!observation) reserved.set(labelStore.keyFrom(labels), labels)
      return labels
    }
    if (observation) dropped++
    return overflowLabels
  }

  // With exemplars, inc and observe take { labels, value, exemplarLabels }, which the guard does
  // not read: they are left as they are, as before.
  const exemplars = (metric as { enableExemplars?: boolean }).enableExemplars === true
  const target = metric as Record<string, unknown>
  for (const methodName of RECORDING_METHODS) {
    const original = target[methodName] as Method | undefined
    if (typeof original !== 'function') continue
    if (exemplars && (methodName === 'inc' || methodName === 'observe')) continue
    target[methodName] = function (this: unknown, labels: LabelArgument, ...rest: unknown[]) {
      return original.call(this, guard(labels), ...rest)
    }
  }

  // A child from labels() records without passing through the methods above (the client's
  // histogram and summary call a module function): guard the labels when the child is made,
  // and count each observation of a child that landed over the cap.
  const labelsOf = target.labels as ((...args: unknown[]) => Record<string, unknown>) | undefined
  if (typeof labelsOf === 'function') {
    target.labels = function (this: unknown, ...args: unknown[]) {
      const positional = !(typeof args[0] === 'object' && args[0] !== null)
      // A wrong number of values is the client's error to give.
      if (positional && args.length !== labelNames.length) return labelsOf.apply(this, args)
      const labels = positional ? Object.fromEntries(labelNames.map((label, i) => [label, args[i]])) : args[0] as Record<string, unknown>
      const guarded = guard(labels as LabelArgument, false)
      const child = labelsOf.call(this, guarded)
      if (guarded !== overflowLabels) return child
      for (const [key, fn] of Object.entries(child)) {
        if (typeof fn === 'function') child[key] = (...values: unknown[]) => { dropped++; return fn(...values) }
      }
      return child
    }
  }

  const remove = target.remove as ((...args: unknown[]) => unknown) | undefined
  if (typeof remove === 'function') {
    target.remove = function (this: unknown, ...args: unknown[]) {
      const labels = typeof args[0] === 'object' && args[0] !== null
        ? args[0] as Record<string, unknown>
        : Object.fromEntries(labelNames.map((label, i) => [label, args[i]]))
      if (reserved.size > 0) reserved.delete(store().keyFrom(labels))
      checked = undefined
      return remove.apply(this, args)
    }
  }
  const reset = target.reset as (() => unknown) | undefined
  if (typeof reset === 'function') {
    target.reset = function (this: unknown) {
      reserved.clear()
      return reset.call(this)
    }
  }
}
