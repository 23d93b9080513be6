import type { GaugeAggregation } from '../promql/expr.js'
import type { Matcher } from '../promql/matchers.js'
import { labelKey, type Vector } from '../promql/vector.js'
import { groupLabels, type Limits, SelectorSource } from './selector-source.js'
import type { Slot } from './series-index.js'

/**
 * Gauge series of one selector, combined by `by` at each snapshot. `maxGroups` limits the
 * groups (each series is its own group for `none`): a series that would open one more is left
 * out and counted when it appears, as for counters.
 */
export class GaugeSource extends SelectorSource {
  /** Each series with its labels after `by` (all of them for `none`) and their key, worked out once. */
  private members: Array<{ slot: Slot, labels: Readonly<Record<string, string>>, key: string }> = []
  /** Series per group key. */
  private readonly groups = new Map<string, number>()

  constructor (matchers: readonly Matcher[], readonly aggregate: GaugeAggregation, readonly by: readonly string[], limits: Limits) {
    super(matchers, limits)
  }

  protected accept (slot: Slot): boolean {
    if (this.members.length >= this.limits.maxSeries) return false
    const labels = groupLabels(slot.labels, this.aggregate === 'none' ? Object.keys(slot.labels) : this.by)
    const key = this.aggregate !== 'none' && this.by.length === 0 ? '' : labelKey(labels)
    const count = this.groups.get(key)
    if (count === undefined && this.groups.size >= this.limits.maxGroups) return false
    this.groups.set(key, (count ?? 0) + 1)
    this.members.push({ slot, labels, key })
    return true
  }

  /** Drops series that went away; call after each ingest. */
  update (): void {
    if (!this.members.some((m) => m.slot.gone)) return
    const kept: typeof this.members = []
    for (const member of this.members) {
      if (!member.slot.gone) {
        kept.push(member)
        continue
      }
      const left = this.groups.get(member.key)! - 1
      if (left === 0) this.groups.delete(member.key)
      else this.groups.set(member.key, left)
    }
    this.members = kept
  }

  get seriesCount (): number {
    return this.members.length
  }

  get groupCount (): number {
    return this.groups.size
  }

  vector (): Vector {
    const out: Vector = new Map()
    if (this.aggregate === 'none') {
      for (const { slot, labels, key } of this.members) out.set(key, { labels, value: slot.value })
      return out
    }
    const groups = new Map<string, { labels: Readonly<Record<string, string>>, sum: number, count: number, min: number, max: number }>()
    for (const { slot, labels, key } of this.members) {
      const v = slot.value
      let group = groups.get(key)
      if (group === undefined) groups.set(key, group = { labels, sum: 0, count: 0, min: v, max: v })
      group.sum += v
      group.count++
      // PromQL's min and max skip NaN unless every value is NaN.
      if (v < group.min || Number.isNaN(group.min)) group.min = v
      if (v > group.max || Number.isNaN(group.max)) group.max = v
    }
    for (const [key, g] of groups) {
      const value = this.aggregate === 'sum' ? g.sum : this.aggregate === 'avg' ? g.sum / g.count : this.aggregate === 'min' ? g.min : g.max
      out.set(key, { labels: g.labels, value })
    }
    return out
  }
}
