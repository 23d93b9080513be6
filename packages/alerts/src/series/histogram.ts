import { histogramQuantile } from '@obs/metrics'
import type { CounterGroup } from './counter-source.js'
import type { RingColumns } from './window-ring.js'

/** The buckets of one histogram series (after `by`), sorted by `le` when they change. */
export class Histogram {
  private groups: CounterGroup[] = []
  private les: number[] = []
  private bounds: number[] = []
  private cumulative = new Float64Array(0)
  private counts = new Float64Array(0)
  private dirty = false

  constructor (readonly labels: Readonly<Record<string, string>>) {}

  add (group: CounterGroup): void {
    this.groups.push(group)
    this.dirty = true
  }

  /** Returns how many buckets are left. */
  remove (group: CounterGroup): number {
    this.groups = this.groups.filter((g) => g !== group)
    this.dirty = true
    return this.groups.length
  }

  /**
   * PromQL's bucketQuantile over the bucket rates of this `cycle` in one window's `columns`: NaN
   * without a +Inf bucket or with fewer than two; cumulative rates made monotonic (extrapolation
   * can make one dip below the previous bucket's). Undefined when no bucket has a rate (no
   * sample at all, as in PromQL).
   */
  quantile (q: number, columns: RingColumns, cycle: number): number | undefined {
    if (this.dirty) {
      this.groups.sort((a, b) => a.le - b.le)
      this.les = this.groups.map((g) => g.le)
      this.bounds = this.les.filter((le) => le !== Infinity)
      this.cumulative = new Float64Array(this.groups.length)
      this.counts = new Float64Array(this.groups.length)
      this.dirty = false
    }
    const { groups, cumulative } = this
    const { rate, rateCycle } = columns
    const rated = (group: CounterGroup): boolean => rateCycle[group.id] === cycle
    let present = 0
    for (let i = 0; i < groups.length; i++) {
      const id = groups[i]!.id
      if (rateCycle[id] !== cycle) continue
      cumulative[i] = rate[id]!
      present++
    }
    if (present === 0) return undefined
    if (present < groups.length) {
      // Some bucket has no rate (it appeared this cycle): the slow path, with what is there.
      const partial = groups.filter(rated)
      return fromCumulative(q, partial.map((g) => g.le), partial.map((g) => rate[g.id]!), new Float64Array(partial.length))
    }
    return fromCumulative(q, this.les, cumulative, this.counts, this.bounds)
  }
}

/** `les` ascending with their cumulative rates; `counts` receives the per-bucket rates. */
function fromCumulative (q: number, les: readonly number[], cumulative: ArrayLike<number>, counts: Float64Array, bounds?: readonly number[]): number {
  if (les.length < 2 || les[les.length - 1] !== Infinity) return NaN
  let previous = 0
  let max = 0
  for (let i = 0; i < les.length; i++) {
    max = Math.max(max, cumulative[i]!)
    counts[i] = max - previous
    previous = max
  }
  return histogramQuantile(q, bounds ?? les.slice(0, -1), counts)
}
