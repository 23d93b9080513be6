import { extrapolate } from '../promql/rate.js'
import { labelKey, type Vector } from '../promql/vector.js'
import { VectorBuffer } from '../promql/vector-buffer.js'
import type { Matcher } from '../promql/matchers.js'
import { Histogram } from './histogram.js'
import { groupLabels, type Limits, SelectorSource } from './selector-source.js'
import type { Slot } from './series-index.js'
import { RingColumns, WindowRing } from './window-ring.js'

export class CounterGroup {
  /** For histogram buckets: the key and labels without `le`, and `le` as a number. */
  parentKey = ''
  parentLabels: Readonly<Record<string, string>> = {}
  le = NaN
  members = 0
  emptySince: number | undefined
  /** Born after the first snapshot: it counts from zero, as the series did. */
  fresh: boolean

  /** `id`: where the source keeps this group's numbers (its column in every ring). */
  constructor (readonly key: string, readonly labels: Readonly<Record<string, string>>, fresh: boolean, public id: number) {
    this.fresh = fresh
  }
}

/**
 * Counter series of one selector, summed by `by` after reset correction, with the bounded
 * history each window needs. Memory: O(series) numbers plus O(groups × windows × samplesPerWindow).
 * With `le` among `by` (histogram buckets), `maxGroups` counts groups without `le`.
 *
 * Numbers live in typed arrays indexed by a dense group id (and a ring's rows by slot), so that a
 * cycle over 100,000 series walks memory in order instead of chasing an object per group.
 */
export class CounterSource extends SelectorSource {
  /** The series read, as parallel arrays: slot, group id, and the slot's reset offset when this source started reading it (a series counts from there). */
  private memberSlots: Slot[] = []
  private memberGroups: number[] = []
  private memberBases: number[] = []
  private readonly groups = new Map<string, CounterGroup>()
  /** Groups by id; a dropped group leaves a hole until the ids are compacted. */
  private byId: Array<CounterGroup | undefined> = []
  private holes = 0
  /** Reset-corrected and raw totals now, and what series that went away had reached (their increase stays in the window), by group id. */
  private current: Float64Array<ArrayBuffer> = new Float64Array(0)
  private currentRaw: Float64Array<ArrayBuffer> = new Float64Array(0)
  private departed: Float64Array<ArrayBuffer> = new Float64Array(0)
  private departedRaw: Float64Array<ArrayBuffer> = new Float64Array(0)
  /** Groups per parent key (the key without `le`), for the limit. */
  private readonly parents = new Map<string, number>()
  private readonly rings: WindowRing[] = []
  private readonly columns: RingColumns[] = []
  private readonly parentBy: readonly string[]
  /** Results of this cycle, shared by every rule that reads the same window. */
  private readonly cache = new Map<string, Vector>()
  /** The buffers of those results, reused from cycle to cycle to spare the garbage collector. */
  private readonly buffers = new Map<string, VectorBuffer>()
  /** Histogram buckets by parent key (for quantiles), kept sorted by `le`. */
  private readonly histograms = new Map<string, Histogram>()
  /** Counts updates, so that a column's rate can tell whether it is this cycle's. */
  private cycle = 0
  /** Rates of this cycle already worked out, by ring. */
  private readonly ratedCycle: number[] = []
  private emptied = false
  private fresh = false
  /** Some group has a column that has not been born yet (a new group, or a new window). */
  private unborn = false
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
      const columns = new RingColumns(ring.capacity)
      columns.resize(this.current.length)
      this.columns.push(columns)
      this.ratedCycle.push(-1)
      this.unborn = true
    }
    return ring
  }

  get seriesCount (): number {
    return this.memberSlots.length
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
    if (this.memberSlots.length >= this.limits.maxSeries) return false
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
      group = new CounterGroup(key, labels, !baseline, this.newId())
      this.byId[group.id] = group
      this.fresh ||= !baseline
      this.unborn = true
      group.parentKey = parentKey
      group.parentLabels = parentLabels
      group.le = labels.le === '+Inf' ? Infinity : labels.le === undefined ? NaN : Number(labels.le)
      this.groups.set(key, group)
      if (!Number.isNaN(group.le)) {
        let histogram = this.histograms.get(parentKey)
        if (histogram === undefined) this.histograms.set(parentKey, histogram = new Histogram(parentLabels))
        histogram.add(group)
      }
    }
    group.members++
    // A series that appears after the first snapshot started since then: its whole value is an
    // increase of its group (the group, new or not, did not count it before). It is read from
    // the next update on.
    this.memberSlots.push(slot)
    this.memberGroups.push(group.id)
    this.memberBases.push(slot.offset)
    return true
  }

  /** The next group id, with room for it in every array. */
  private newId (): number {
    const id = this.byId.length
    if (id >= this.current.length) this.resize(Math.max(16, this.current.length * 2))
    this.current[id] = this.currentRaw[id] = this.departed[id] = this.departedRaw[id] = 0
    for (const columns of this.columns) columns.clear(id)
    return id
  }

  /** Changes how many group ids fit; `from[i]` is the old id of new id `i` when ids are renumbered. */
  private resize (stride: number, from?: ArrayLike<number>): void {
    const move = (source: Float64Array): Float64Array<ArrayBuffer> => {
      const out = new Float64Array(stride)
      if (from === undefined) out.set(source.subarray(0, Math.min(source.length, stride)))
      else for (let i = 0; i < from.length; i++) out[i] = source[from[i]!]!
      return out
    }
    this.current = move(this.current)
    this.currentRaw = move(this.currentRaw)
    this.departed = move(this.departed)
    this.departedRaw = move(this.departedRaw)
    for (const columns of this.columns) columns.resize(stride, from)
  }

  /** Takes this snapshot's values (after the index ingested them) and records them in every window. */
  update (now: number): void {
    this.cache.clear()
    this.cycle++
    this.startedAt ??= now
    const { current, currentRaw, departed, departedRaw, byId } = this
    current.set(departed)
    currentRaw.set(departedRaw)
    const slots = this.memberSlots
    const ids = this.memberGroups
    const bases = this.memberBases
    let kept = 0
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!
      const id = ids[i]!
      // The slot keeps its last value when it goes: what it reached stays in the group's total.
      const value = slot.value
      const corrected = value + slot.offset - bases[i]!
      current[id]! += corrected
      currentRaw[id]! += value
      if (slot.gone) {
        departed[id]! += corrected
        departedRaw[id]! += value
        const group = byId[id]!
        if (--group.members === 0) {
          group.emptySince = now
          this.emptied = true
        }
        continue
      }
      if (kept !== i) {
        slots[kept] = slot
        ids[kept] = id
        bases[kept] = bases[i]!
      }
      kept++
    }
    slots.length = kept
    ids.length = kept
    bases.length = kept
    if (this.emptied) this.dropEmptyGroups(now)

    const used = this.byId.length
    for (let r = 0; r < this.rings.length; r++) {
      const ring = this.rings[r]!
      const columns = this.columns[r]!
      const { slot, previous } = ring.push(now)
      const seq = ring.seqs[slot]!
      const { stride, bornSeq } = columns
      if (this.unborn) {
        for (let id = 0; id < used; id++) {
          const group = this.byId[id]
          if (group === undefined || bornSeq[id] !== Infinity) continue
          if (group.fresh && previous !== -1) {
            // The group did not exist at the previous sample: its counters were zero then.
            columns.corrected[previous * stride + id] = 0
            columns.raw[previous * stride + id] = 0
            bornSeq[id] = ring.seqs[previous]!
          } else {
            bornSeq[id] = seq
          }
        }
      }
      // A hole's column gets numbers too: nothing reads it, and a row is copied in one go.
      columns.corrected.set(this.current.subarray(0, used), slot * stride)
      columns.raw.set(this.currentRaw.subarray(0, used), slot * stride)
    }
    this.unborn = false
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
        this.byId[group.id] = undefined
        this.holes++
        const histogram = this.histograms.get(group.parentKey)
        if (histogram?.remove(group) === 0) this.histograms.delete(group.parentKey)
        const siblings = this.parents.get(group.parentKey)! - 1
        if (siblings === 0) this.parents.delete(group.parentKey)
        else this.parents.set(group.parentKey, siblings)
      }
    }
    this.emptied = waiting
    if (this.holes > 64 && this.holes > this.groups.size) this.compact()
  }

  /**
   * Renumbers the groups densely, in the order they were made (results list groups in that
   * order), so that ids freed by dropped groups do not grow the arrays for ever.
   */
  private compact (): void {
    const from: number[] = []
    const renumbered = new Map<number, number>()
    for (const group of this.groups.values()) {
      renumbered.set(group.id, from.length)
      from.push(group.id)
      group.id = renumbered.get(group.id)!
    }
    const ids = this.memberGroups
    for (let i = 0; i < ids.length; i++) ids[i] = renumbered.get(ids[i]!)!
    this.byId = [...this.groups.values()]
    this.holes = 0
    this.resize(Math.max(16, 2 * from.length), from)
  }

  /** Works out the per-second rate (or increase) of every group over ring `r`; calls `each` with each group that has one. */
  private forEachRate (r: number, now: number, isRate: boolean, each: (group: CounterGroup, value: number) => void): void {
    const ring = this.rings[r]!
    const columns = this.columns[r]!
    const { stride, corrected, raw, bornSeq } = columns
    const start = now - ring.window
    const size = ring.size
    const last = ring.slot(size - 1)
    const { times, seqs } = ring
    // Most groups have values from before the window: where it starts is found once.
    const windowFrom = ring.firstFrom(-Infinity, start)
    const windowSeq = windowFrom === -1 ? Infinity : seqs[ring.slot(windowFrom)]!
    const byId = this.byId
    for (let id = 0; id < byId.length; id++) {
      const group = byId[id]
      if (group === undefined) continue
      const born = bornSeq[id]!
      const from = born <= windowSeq ? windowFrom : ring.firstFrom(born, start)
      if (from === -1 || size - from < 2) continue
      const first = ring.slot(from)
      // Samples taken between the first and the last kept one: more than kept, for long windows.
      const count = seqs[last]! - seqs[first]! + 1
      const value = extrapolate(times[first]!, corrected[first * stride + id]!, raw[first * stride + id]!, times[last]!, corrected[last * stride + id]!, count, start, now, isRate)
      if (value === undefined) continue
      if (isRate) {
        columns.rate[id] = value
        columns.rateCycle[id] = this.cycle
      }
      each(group, value)
    }
    if (isRate) this.ratedCycle[r] = this.cycle
  }

  /** `sum by (by) (rate(…[window]))` or `increase` at `now`, right after `update(now)`. */
  rate (window: number, now: number, isRate: boolean): Vector {
    const cacheKey = `${window}:${isRate ? 'rate' : 'increase'}`
    const cached = this.cache.get(cacheKey)
    if (cached !== undefined) return cached
    const r = this.rings.findIndex((ring) => ring.window === window)
    const buffer = this.buffer(cacheKey)
    this.forEachRate(r, now, isRate, (group, value) => buffer.push(group.key, group.labels, value))
    const out = buffer.finish()
    this.cache.set(cacheKey, out)
    return out
  }

  private buffer (cacheKey: string): VectorBuffer {
    let buffer = this.buffers.get(cacheKey)
    if (buffer === undefined) this.buffers.set(cacheKey, buffer = new VectorBuffer())
    buffer.start()
    return buffer
  }

  /**
   * `histogram_quantile(q, sum by (le, by) (rate(…_bucket[window])))`, with PromQL's rules: the
   * +Inf bucket must be there, cumulative rates are made monotonic, NaN without observations.
   */
  quantile (q: number, window: number, now: number): Vector {
    const cacheKey = `${window}:q${q}`
    const cached = this.cache.get(cacheKey)
    if (cached !== undefined) return cached
    const r = this.rings.findIndex((ring) => ring.window === window)
    // The bucket rates only: no vector of them is needed.
    if (this.ratedCycle[r] !== this.cycle) this.forEachRate(r, now, true, () => {})
    const buffer = this.buffer(cacheKey)
    const columns = this.columns[r]!
    this.histograms.forEach((histogram, key) => {
      const value = histogram.quantile(q, columns, this.cycle)
      if (value !== undefined) buffer.push(key, histogram.labels, value)
    })
    const out = buffer.finish()
    this.cache.set(cacheKey, out)
    return out
  }
}
