import type { GaugeAggregation } from '../promql/expr.js'
import type { Matcher } from '../promql/matchers.js'
import { labelKey, type Vector } from '../promql/vector.js'
import { VectorBuffer } from '../promql/vector-buffer.js'
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
  /**
   * The groups in the order their first series comes, each series' place in it, and what each
   * group's series add up to at a snapshot: worked out again only when series come or go.
   */
  private layout: { keys: string[], labels: Array<Readonly<Record<string, string>>>, of: Int32Array } | undefined
  private sum = new Float64Array(0)
  private count = new Float64Array(0)
  private min = new Float64Array(0)
  private max = new Float64Array(0)
  private readonly out = new VectorBuffer()
  /** The vector of this snapshot, once worked out: every leaf that reads this source shares it. */
  private current: Vector | undefined

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
    this.layout = undefined
    return true
  }

  /** Drops series that went away; call after each ingest. */
  update (): void {
    this.current = undefined
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
    this.layout = undefined
  }

  get seriesCount (): number {
    return this.members.length
  }

  get groupCount (): number {
    return this.groups.size
  }

  private arrange (): NonNullable<GaugeSource['layout']> {
    const place = new Map<string, number>()
    const keys: string[] = []
    const labels: Array<Readonly<Record<string, string>>> = []
    const of = new Int32Array(this.members.length)
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[i]!
      let at = place.get(member.key)
      if (at === undefined) {
        place.set(member.key, at = keys.length)
        keys.push(member.key)
        labels.push(member.labels)
      }
      of[i] = at
    }
    if (this.sum.length < keys.length) {
      this.sum = new Float64Array(keys.length)
      this.count = new Float64Array(keys.length)
      this.min = new Float64Array(keys.length)
      this.max = new Float64Array(keys.length)
    }
    return (this.layout = { keys, labels, of })
  }

  /** The vector at the last snapshot (call after `update`): valid until the next one (see VectorBuffer). */
  vector (): Vector {
    return (this.current ??= this.aggregate === 'none' ? this.each() : this.combine())
  }

  private each (): Vector {
    const out = this.out
    out.start()
    for (const { slot, labels, key } of this.members) out.push(key, labels, slot.value)
    return out.finish()
  }

  private combine (): Vector {
    const out = this.out
    out.start()
    const { members } = this
    const { keys, labels, of } = this.layout ?? this.arrange()
    const { sum, count, min, max } = this
    const groups = keys.length
    sum.fill(0, 0, groups)
    count.fill(0, 0, groups)
    // PromQL's min and max skip NaN unless every value is NaN: NaN is replaced by the first value.
    min.fill(NaN, 0, groups)
    max.fill(NaN, 0, groups)
    for (let i = 0; i < members.length; i++) {
      const v = members[i]!.slot.value
      const g = of[i]!
      sum[g]! += v
      count[g]!++
      if (v < min[g]! || Number.isNaN(min[g]!)) min[g] = v
      if (v > max[g]! || Number.isNaN(max[g]!)) max[g] = v
    }
    const aggregate = this.aggregate
    for (let g = 0; g < groups; g++) {
      const value = aggregate === 'sum' ? sum[g]! : aggregate === 'avg' ? sum[g]! / count[g]! : aggregate === 'min' ? min[g]! : max[g]!
      out.push(keys[g]!, labels[g]!, value)
    }
    return out.finish()
  }
}
