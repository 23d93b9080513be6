import type { Exemplar, ExemplarLabels, HistogramData } from '../exposition/text-format.js'
import { NativeHistogram } from '../native/native-histogram.js'
import type { ResolvedNativeHistogramOptions } from '../native/options.js'

/**
 * A histogram with fixed buckets and one series: counts per bucket (not cumulative, so an
 * observation touches one slot), sum, count, and the latest exemplar per bucket; with native
 * options, native buckets beside them. It holds data only; exposition/ writes it.
 */
export class FixedHistogram implements HistogramData {
  readonly counts: Float64Array
  sum = 0
  count = 0
  exemplars: Array<Exemplar | undefined> | undefined

  readonly native: NativeHistogram | undefined

  constructor (readonly bounds: readonly number[], native?: ResolvedNativeHistogramOptions) {
    this.counts = new Float64Array(bounds.length + 1)
    this.native = native === undefined ? undefined : new NativeHistogram(native)
  }

  /** Records a value and returns the index of the bucket it fell in. */
  observe (value: number): number {
    const bounds = this.bounds
    const n = bounds.length
    let i = 0
    while (i < n && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
    this.native?.observe(value)
    return i
  }

  setExemplar (bucket: number, value: number, labels: ExemplarLabels): void {
    this.exemplars ??= new Array(this.counts.length)
    this.exemplars[bucket] = { labels, value, timestamp: Date.now() / 1000 }
  }

  reset (): void {
    this.counts.fill(0)
    this.sum = 0
    this.count = 0
    this.exemplars = undefined
    this.native?.reset()
  }
}
