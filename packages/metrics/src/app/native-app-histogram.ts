import { Histogram, type HistogramConfiguration } from '@prometheus-io/client'
import { NativeHistogram } from '../native/native-histogram.js'
import type { ResolvedNativeHistogramOptions } from '../native/options.js'
import type { NativeHistogramSeries, NativeHistogramSnapshot, NativeHistogramSource } from '../native/snapshot.js'
import type { NativeSeriesReader } from '../exposition/client-protobuf.js'

type Labels = Record<string, string | number>

interface NativeSeries {
  readonly labels: Readonly<Record<string, string>>
  readonly histogram: NativeHistogram
}

/**
 * An @prometheus-io/client histogram that keeps native buckets beside its classic ones, per label
 * set. Every way the client records a value (observe, startTimer, labels().observe) records it in
 * both, once the client has accepted it; remove, reset and zero apply to both.
 */
export class NativeAppHistogram<T extends string = string> extends Histogram<T> implements NativeHistogramSource, NativeSeriesReader {
  private readonly natives = new Map<string, NativeSeries>()
  private readonly nativeOptions: ResolvedNativeHistogramOptions
  // Reductions of series since removed, so the count never goes down.
  private removedReductions = 0

  constructor ({ native, ...config }: HistogramConfiguration<T> & { native: ResolvedNativeHistogramOptions }) {
    super(config)
    this.nativeOptions = native
    const record = this.observe as (...args: unknown[]) => void
    // The client sets `observe` per instance (with or without exemplars): record into both.
    this.observe = ((...args: unknown[]): void => {
      record.apply(this, args)
      const [first, second] = args
      if ((this as unknown as { enableExemplars: boolean }).enableExemplars && isObject(first)) {
        const data = first as { labels?: Labels, value: number }
        this.nativeSeries(data.labels ?? {}).observe(data.value)
      } else if (isObject(first)) {
        this.nativeSeries(first as Labels).observe(second as number)
      } else {
        this.nativeSeries({}).observe(first as number)
      }
    }) as Histogram<T>['observe']
  }

  // The client's children record without going through `observe`.
  override labels (...args: unknown[]): Histogram.Internal<T> {
    const child = (super.labels as (...a: unknown[]) => Histogram.Internal<T>)(...args)
    const labels = this.labelsOf(args)
    return {
      ...child,
      observe: (value: number) => {
        child.observe(value)
        this.nativeSeries(labels).observe(value)
      }
    }
  }

  override remove (...args: unknown[]): void {
    (super.remove as (...a: unknown[]) => void)(...args)
    const key = this.keyOf(this.labelsOf(args))
    const series = this.natives.get(key)
    if (series !== undefined) {
      this.removedReductions += series.histogram.resolutionReductions
      this.natives.delete(key)
    }
  }

  override reset (): void {
    super.reset()
    // The client's constructor resets before our fields exist.
    this.natives?.clear()
    this.removedReductions = 0
  }

  override zero (labels: Parameters<Histogram<T>['zero']>[0]): void {
    super.zero(labels)
    this.nativeSeries(labels as Labels)
  }

  nativeHistograms (): NativeHistogramSeries[] {
    return [...this.natives.values()].map((series) => ({ labels: series.labels, histogram: series.histogram.snapshot() }))
  }

  /** One series' native histogram now, by its labels: read in the same turn as its classic values, they agree. */
  nativeHistogramOf (labels: Labels): NativeHistogramSnapshot | undefined {
    return this.natives.get(this.keyOf(labels))?.histogram.snapshot()
  }

  /** Resolution halvings over every series, past and present. */
  get resolutionReductions (): number {
    let total = this.removedReductions
    for (const series of this.natives.values()) total += series.histogram.resolutionReductions
    return total
  }

  private get names (): readonly string[] {
    return (this as unknown as { labelNames: readonly string[] }).labelNames
  }

  private nativeSeries (labels: Labels): NativeHistogram {
    const key = this.keyOf(labels)
    let series = this.natives.get(key)
    if (series === undefined) {
      const own: Record<string, string> = {}
      for (const name of this.names) {
        if (labels[name] !== undefined) own[name] = String(labels[name])
      }
      series = { labels: own, histogram: new NativeHistogram(this.nativeOptions) }
      this.natives.set(key, series)
    }
    return series.histogram
  }

  private keyOf (labels: Labels): string {
    let key = ''
    for (const name of this.names) key += `${labels[name] === undefined ? '' : String(labels[name])}\u0000`
    return key
  }

  // labels('a', 'b') or labels({ x: 'a', y: 'b' }), as the client takes them.
  private labelsOf (args: unknown[]): Labels {
    if (isObject(args[0])) return args[0] as Labels
    const labels: Labels = {}
    this.names.forEach((name, i) => { if (args[i] !== undefined) labels[name] = args[i] as string })
    return labels
  }
}

function isObject (value: unknown): boolean {
  return value !== null && typeof value === 'object'
}
