import { scalarFamily, type SelfRenderedFamily } from '../exposition/self-rendered-family.js'
import { labelPairs } from '../exposition/text-format.js'

interface Source {
  readonly labels: Readonly<Record<string, string>>
  readonly pairs: string
  readonly read: () => number
}

/**
 * Counts, per histogram, how many times a series halved its native resolution because it reached
 * its cap on buckets. The family is registered when the first native histogram is tracked, so a
 * registry without native histograms does not show it.
 */
export class ResolutionReductions {
  readonly sources: Source[] = []

  constructor (private readonly onFirst: () => void) {}

  track (metric: string, read: () => number): void {
    if (this.sources.length === 0) this.onFirst()
    const labels = { metric }
    this.sources.push({ labels, pairs: labelPairs(labels), read })
  }
}

/** `obs_metrics_native_resolution_reductions_total{metric}`. */
export function resolutionReductionsFamily (prefix: string, reductions: ResolutionReductions): SelfRenderedFamily {
  return scalarFamily(`${prefix}obs_metrics_native_resolution_reductions_total`, 'counter',
    'Times a series of the histogram halved its native resolution (schema - 1) because it reached its cap on buckets.',
    () => reductions.sources, (source) => source.read())
}
