import { addHistograms, isCounterReset, nativeHistogramQuantile, type NativeHistogramSeries, type NativeHistogramSnapshot, subtractHistograms } from '@obs/metrics'
import type { Matcher } from '../promql/matchers.js'
import { labelKey, type Vector } from '../promql/vector.js'
import { groupLabels, type Limits } from './selector-source.js'
import { WindowRing } from './window-ring.js'

interface NativeSeries {
  readonly group: NativeGroup
  last: NativeHistogramSnapshot
  /** What the series lost to resets: `offset + last` only grows. */
  offset: NativeHistogramSnapshot | undefined
  seen: number
}

interface NativeGroup {
  readonly labels: Readonly<Record<string, string>>
  members: number
  /** What series that went away had reached: their increase stays in the window. */
  departed: NativeHistogramSnapshot | undefined
  /** The group's reset-corrected histogram at each slot of each window's ring. */
  readonly history: Array<Array<NativeHistogramSnapshot | undefined>>
  /** Sequence number of the first sample it has, per ring. */
  readonly bornSeq: number[]
  emptySince: number | undefined
}

/**
 * The native histograms of a histogram family (when it offers them), summed by `by` after
 * reset correction, with the history each window needs: `histogram_quantile(q, sum by (by)
 * (rate(h[window])))` over the native buckets. The rate is the difference of two snapshots
 * bucket by bucket (at the coarser schema when the schema changed); extrapolation scales every
 * bucket alike, so it does not move a quantile and is left out.
 */
export class NativeQuantileSource {
  private readonly series = new Map<string, NativeSeries>()
  private readonly groups = new Map<string, NativeGroup>()
  private readonly rings: WindowRing[] = []
  private cycle = 0
  /** Whether the family offered native histograms in the last snapshot. */
  present = false

  constructor (readonly matchers: readonly Matcher[], readonly by: readonly string[], private readonly limits: Limits) {}

  window (window: number): void {
    if (this.rings.some((r) => r.window === window)) return
    this.rings.push(new WindowRing(window, this.limits.samplesPerWindow, this.limits.intervalMs))
    for (const group of this.groups.values()) {
      group.history.push([])
      group.bornSeq.push(Infinity)
    }
  }

  /** Takes in the family's native histograms at `now`; `undefined` when it offers none. */
  ingest (list: readonly NativeHistogramSeries[] | undefined, now: number): void {
    this.present = list !== undefined
    if (list === undefined) return
    const cycle = ++this.cycle
    for (const { labels, histogram: current } of list) {
      if (!this.matchers.every((m) => m.matches(labels[m.name]))) continue
      const key = labelKey(labels)
      let series = this.series.get(key)
      if (series === undefined) {
        const group = this.group(groupLabels(labels, this.by))
        if (group === undefined || this.series.size >= this.limits.maxSeries) continue
        group.members++
        this.series.set(key, series = { group, last: current, offset: undefined, seen: cycle })
      } else if (isCounterReset(series.last, current)) {
        series.offset = series.offset === undefined ? series.last : addHistograms(series.offset, series.last)
      }
      series.last = current
      series.seen = cycle
    }
    const totals = new Map<NativeGroup, NativeHistogramSnapshot>()
    for (const [key, series] of this.series) {
      const corrected = series.offset === undefined ? series.last : addHistograms(series.offset, series.last)
      const { group } = series
      if (series.seen !== cycle) {
        // Gone: what it reached stays in its group's total.
        group.departed = group.departed === undefined ? corrected : addHistograms(group.departed, corrected)
        group.members--
        this.series.delete(key)
        continue
      }
      const total = totals.get(group)
      totals.set(group, total === undefined ? corrected : addHistograms(total, corrected))
    }
    for (let r = 0; r < this.rings.length; r++) {
      const ring = this.rings[r]!
      const { slot } = ring.push(now)
      for (const group of this.groups.values()) {
        let total = totals.get(group) ?? group.departed
        if (total !== undefined && group.departed !== undefined && totals.has(group)) total = addHistograms(total, group.departed)
        group.history[r]![slot] = total
        if (total !== undefined && group.bornSeq[r] === Infinity) group.bornSeq[r] = ring.seqs[slot]!
      }
    }
    // A group without series for longer than the longest window has nothing left to say.
    const longest = Math.max(0, ...this.rings.map((ring) => ring.window))
    for (const [key, group] of this.groups) {
      if (group.members > 0) group.emptySince = undefined
      else if (group.emptySince === undefined) group.emptySince = now
      else if (now - group.emptySince > longest) this.groups.delete(key)
    }
  }

  private group (labels: Record<string, string>): NativeGroup | undefined {
    const key = labelKey(labels)
    let group = this.groups.get(key)
    if (group === undefined) {
      if (this.groups.size >= this.limits.maxGroups) return undefined
      group = { labels, members: 0, departed: undefined, emptySince: undefined, history: this.rings.map(() => []), bornSeq: this.rings.map(() => Infinity) }
      this.groups.set(key, group)
    }
    return group
  }

  /** `histogram_quantile(q, sum by (by) (rate(…[window])))` at `now`, right after `ingest`. */
  quantile (q: number, window: number, now: number): Vector {
    const r = this.rings.findIndex((ring) => ring.window === window)
    const ring = this.rings[r]!
    const out: Vector = new Map()
    const size = ring.size
    if (size < 2) return out
    const last = ring.slot(size - 1)
    for (const [key, group] of this.groups) {
      const from = ring.firstFrom(group.bornSeq[r]!, now - window)
      if (from === -1 || size - from < 2) continue
      const first = group.history[r]![ring.slot(from)]
      const newest = group.history[r]![last]
      if (first === undefined || newest === undefined) continue
      out.set(key, { labels: group.labels, value: nativeHistogramQuantile(q, subtractHistograms(newest, first)) })
    }
    return out
  }
}
