import { Histogram, type HistogramConfiguration } from '@prometheus-io/client'
import { NativeHistogram } from '../native/native-histogram.js'
import type { ResolvedNativeHistogramOptions } from '../native/options.js'
import type { NativeHistogramSeries, NativeHistogramSource } from '../native/snapshot.js'
import type { NativeOnEntries } from '../exposition/client-protobuf.js'

type Labels = Record<string, string | number>

/** A series in the client's label store, with its native buckets beside the classic ones. */
interface StoreEntry {
  readonly labels: Labels
  native?: NativeHistogram
}

interface LabelStore {
  entry (labels: Labels): StoreEntry | undefined
  values (): Iterable<StoreEntry>
}

/**
 * An @prometheus-io/client histogram that keeps native buckets beside its classic ones, per label
 * set. Every way the client records a value (observe, startTimer, labels().observe) records it in
 * both, once the client has accepted it; remove, reset and zero apply to both. A series' native
 * buckets live on its entry in the client's store, so that its labels and key are kept once.
 */
export class NativeAppHistogram<T extends string = string> extends Histogram<T> implements NativeHistogramSource, NativeOnEntries {
  /** The protobuf scrape reads a series' native buckets from the store entry it collected. */
  readonly nativeOnEntries = true
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
    const native = this.labelStore.entry(this.labelsOf(args))?.native;
    (super.remove as (...a: unknown[]) => void)(...args)
    this.removedReductions += native?.resolutionReductions ?? 0
  }

  override reset (): void {
    // The client replaces its store, and the native buckets with it.
    super.reset()
    this.removedReductions = 0
  }

  override zero (labels: Parameters<Histogram<T>['zero']>[0]): void {
    super.zero(labels)
    this.nativeSeries(labels as Labels)
  }

  nativeHistograms (): NativeHistogramSeries[] {
    const series: NativeHistogramSeries[] = []
    for (const entry of this.labelStore.values()) {
      if (entry.native === undefined) continue
      const labels: Record<string, string> = {}
      for (const name of this.names) {
        if (entry.labels[name] !== undefined) labels[name] = String(entry.labels[name])
      }
      series.push({ labels, histogram: entry.native.snapshot() })
    }
    return series
  }

  /** Resolution halvings over every series, past and present. */
  get resolutionReductions (): number {
    let total = this.removedReductions
    for (const entry of this.labelStore.values()) total += entry.native?.resolutionReductions ?? 0
    return total
  }

  private get names (): readonly string[] {
    return (this as unknown as { labelNames: readonly string[] }).labelNames
  }

  private get labelStore (): LabelStore {
    return (this as unknown as { store: LabelStore }).store
  }

  /** The native buckets of a series the client has just recorded (or zeroed). */
  private nativeSeries (labels: Labels): NativeHistogram {
    const entry = this.labelStore.entry(labels)!
    return (entry.native ??= new NativeHistogram(this.nativeOptions))
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
