import { extrapolate } from '../promql/rate.js'
import { labelKey, type Sample, type Vector } from '../promql/vector.js'
import type { Matcher } from '../promql/matchers.js'
import { Histogram } from './histogram.js'
import { groupLabels, type Limits, SelectorSource } from './selector-source.js'
import type { Slot } from './series-index.js'
import { Column, WindowRing } from './window-ring.js'

export class CounterGroup {
  /** For histogram buckets: the key and labels without `le`, and `le` as a number. */
  parentKey = ''
  parentLabels: Readonly<Record<string, string>> = {}
  le = NaN
  /** Reset-corrected total now, and the raw total (for PromQL's zero-point limit). */
  current = 0
  currentRaw = 0
  /** What series that went away had reached: their increase stays in the window. */
  departed = 0
  departedRaw = 0
  members = 0
  emptySince: number | undefined
  readonly columns: Column[] = []
  /** Reused result samples, one per cached result (rate, increase, by window). */
  readonly samples = new Map<string, { labels: Readonly<Record<string, string>>, value: number }>()
  /** Born after the first snapshot: it counts from zero, as the series did. */
  fresh: boolean

  constructor (readonly key: string, readonly labels: Readonly<Record<string, string>>, fresh: boolean) {
    this.fresh = fresh
  }
}

interface CounterMember {
  readonly slot: Slot
  readonly group: CounterGroup
  /** The slot's reset offset when this source started reading it: a series counts from there. */
  readonly base: number
}

/**
 * Counter series of one selector, summed by `by` after reset correction, with the bounded
 * history each window needs. Memory: O(series) numbers plus O(groups × windows × samplesPerWindow).
 * With `le` among `by` (histogram buckets), `maxGroups` counts groups without `le`.
 */
export class CounterSource extends SelectorSource {
  private members: CounterMember[] = []
  private readonly groups = new Map<string, CounterGroup>()
  /** Groups per parent key (the key without `le`), for the limit. */
  private readonly parents = new Map<string, number>()
  private readonly rings: WindowRing[] = []
  private readonly pending: CounterMember[] = []
  private readonly parentBy: readonly string[]
  /** Results of this cycle, shared by every rule that reads the same window. */
  private readonly cache = new Map<string, Vector>()
  /** The maps of those results, reused from cycle to cycle to spare the garbage collector. */
  private readonly vectors = new Map<string, Map<string, Sample>>()
  /** Histogram buckets by parent key (for quantiles), kept sorted by `le`. */
  private readonly histograms = new Map<string, Histogram>()
  /** Counts updates, so that a column's rate can tell whether it is this cycle's. */
  private cycle = 0
  private emptied = false
  private fresh = false
  /** When the first snapshot was taken: history goes back no further. */
  private startedAt: number | undefined

  constructor (matchers: readonly Matcher[], readonly by: readonly string[], limits: Limits) {
    super(matchers, limits)
    this.parentBy = by.filter((name) => name !== 'le')
  }

  /** Declares a window that expressions will read; returns its ring. */
  window (window: number): WindowRing {
    let ring = this.rings.find((r) => r.window === window)
    if (ring === undefined) {
      ring = new WindowRing(window, this.limits.samplesPerWindow, this.limits.intervalMs)
      this.rings.push(ring)
      for (const group of this.groups.values()) group.columns.push(new Column(ring.capacity))
    }
    return ring
  }

  get seriesCount (): number {
    return this.members.length + this.pending.length
  }

  /** Whether the history covers the whole `window` at `now` (it starts with the first snapshot). */
  watched (window: number, now: number): boolean {
    return this.startedAt !== undefined && now - this.startedAt >= window
  }

  get groupCount (): number {
    return this.groups.size
  }

  /** Sample slots held for history: groups × the capacity of every window's ring. */
  get sampleSlots (): number {
    return this.groups.size * this.rings.reduce((sum, ring) => sum + ring.capacity, 0)
  }

  protected accept (slot: Slot, baseline: boolean): boolean {
    if (this.members.length + this.pending.length >= this.limits.maxSeries) return false
    const labels = groupLabels(slot.labels, this.by)
    const key = labelKey(labels)
    let group = this.groups.get(key)
    if (group === undefined) {
      const sameParent = this.parentBy.length === this.by.length
      const parentLabels = sameParent ? labels : groupLabels(slot.labels, this.parentBy)
      const parentKey = sameParent ? key : labelKey(parentLabels)
      const siblings = this.parents.get(parentKey)
      if (siblings === undefined && this.parents.size >= this.limits.maxGroups) return false
      this.parents.set(parentKey, (siblings ?? 0) + 1)
      group = new CounterGroup(key, labels, !baseline)
      this.fresh ||= !baseline
      group.parentKey = parentKey
      group.parentLabels = parentLabels
      group.le = labels.le === '+Inf' ? Infinity : labels.le === undefined ? NaN : Number(labels.le)
      for (const ring of this.rings) group.columns.push(new Column(ring.capacity))
      this.groups.set(key, group)
      if (!Number.isNaN(group.le)) {
        let histogram = this.histograms.get(parentKey)
        if (histogram === undefined) this.histograms.set(parentKey, histogram = new Histogram(parentLabels))
        histogram.add(group)
      }
    }
    group.members++
    // A series that appears after the first snapshot started since then: its whole value is an
    // increase of its group (the group, new or not, did not count it before).
    this.pending.push({ slot, group, base: slot.offset })
    return true
  }

  /** Takes this snapshot's values (after the index ingested them) and records them in every window. */
  update (now: number): void {
    this.cache.clear()
    this.cycle++
    this.startedAt ??= now
    if (this.pending.length > 0) {
      for (const member of this.pending) this.members.push(member)
      this.pending.length = 0
    }
    for (const group of this.groups.values()) {
      group.current = group.departed
      group.currentRaw = group.departedRaw
    }
    const members = this.members
    let kept = 0
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!
      const group = member.group
      const slot = member.slot
      // The slot keeps its last value when it goes: what it reached stays in the group's total.
      const corrected = slot.value + slot.offset - member.base
      group.current += corrected
      group.currentRaw += slot.value
      if (slot.gone) {
        group.departed += corrected
        group.departedRaw += slot.value
        if (--group.members === 0) {
          group.emptySince = now
          this.emptied = true
        }
        continue
      }
      members[kept++] = member
    }
    members.length = kept
    if (this.emptied) this.dropEmptyGroups(now)

    for (let r = 0; r < this.rings.length; r++) {
      const ring = this.rings[r]!
      const { slot, previous } = ring.push(now)
      const seq = ring.seqs[slot]!
      for (const group of this.groups.values()) {
        const column = group.columns[r]!
        if (column.bornSeq === Infinity) {
          if (group.fresh && previous !== -1) {
            // The group did not exist at the previous sample: its counters were zero then.
            column.corrected[previous] = 0
            column.raw[previous] = 0
            column.bornSeq = ring.seqs[previous]!
          } else {
            column.bornSeq = seq
          }
        }
        column.corrected[slot] = group.current
        column.raw[slot] = group.currentRaw
      }
    }
    if (this.fresh) {
      for (const group of this.groups.values()) group.fresh = false
      this.fresh = false
    }
  }

  /** A group without series for longer than the longest window has nothing left to say. */
  private dropEmptyGroups (now: number): void {
    let longest = 0
    for (const ring of this.rings) longest = Math.max(longest, ring.window)
    let waiting = false
    for (const [key, group] of this.groups) {
      if (group.members > 0) {
        group.emptySince = undefined
      } else if (group.emptySince !== undefined && now - group.emptySince <= longest) {
        waiting = true
      } else if (group.emptySince !== undefined) {
        this.groups.delete(key)
        const histogram = this.histograms.get(group.parentKey)
        if (histogram?.remove(group) === 0) this.histograms.delete(group.parentKey)
        const siblings = this.parents.get(group.parentKey)! - 1
        if (siblings === 0) this.parents.delete(group.parentKey)
        else this.parents.set(group.parentKey, siblings)
      }
    }
    this.emptied = waiting
  }

  /** `sum by (by) (rate(…[window]))` or `increase` at `now`, right after `update(now)`. */
  rate (window: number, now: number, isRate: boolean): Vector {
    const cacheKey = `${window}:${isRate ? 'rate' : 'increase'}`
    const cached = this.cache.get(cacheKey)
    if (cached !== undefined) return cached
    const r = this.rings.findIndex((ring) => ring.window === window)
    const ring = this.rings[r]!
    let out = this.vectors.get(cacheKey)
    if (out === undefined) this.vectors.set(cacheKey, out = new Map())
    out.clear()
    const start = now - window
    const size = ring.size
    const last = ring.slot(size - 1)
    const { times, seqs } = ring
    // Most groups have values from before the window: where it starts is found once.
    const windowFrom = ring.firstFrom(-Infinity, start)
    const windowSeq = windowFrom === -1 ? Infinity : seqs[ring.slot(windowFrom)]!
    for (const group of this.groups.values()) {
      const column = group.columns[r]!
      const from = column.bornSeq <= windowSeq ? windowFrom : ring.firstFrom(column.bornSeq, start)
      if (from === -1 || size - from < 2) continue
      const first = ring.slot(from)
      // Samples taken between the first and the last kept one: more than kept, for long windows.
      const count = seqs[last]! - seqs[first]! + 1
      const value = extrapolate(times[first]!, column.corrected[first]!, column.raw[first]!, times[last]!, column.corrected[last]!, count, start, now, isRate)
      if (value === undefined) continue
      if (isRate) {
        column.rate = value
        column.rateCycle = this.cycle
      }
      let sample = group.samples.get(cacheKey)
      if (sample === undefined) group.samples.set(cacheKey, sample = { labels: group.labels, value })
      sample.value = value
      out.set(group.key, sample)
    }
    this.cache.set(cacheKey, out)
    return out
  }

  /**
   * `histogram_quantile(q, sum by (le, by) (rate(…_bucket[window])))`, with PromQL's rules: the
   * +Inf bucket must be there, cumulative rates are made monotonic, NaN without observations.
   */
  quantile (q: number, window: number, now: number): Vector {
    const cacheKey = `${window}:q${q}`
    const cached = this.cache.get(cacheKey)
    if (cached !== undefined) return cached
    this.rate(window, now, true)
    const r = this.rings.findIndex((ring) => ring.window === window)
    const out: Vector = new Map()
    for (const [key, histogram] of this.histograms) {
      const value = histogram.quantile(q, r, this.cycle)
      if (value !== undefined) out.set(key, { labels: histogram.labels, value })
    }
    this.cache.set(cacheKey, out)
    return out
  }
}
