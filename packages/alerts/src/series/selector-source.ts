import type { Matcher } from '../promql/matchers.js'
import type { SeriesConsumer, Slot } from './series-index.js'

export interface Limits {
  /** The most series one source tracks. */
  readonly maxSeries: number
  /** The most groups (label combinations after `by`) one source keeps. */
  readonly maxGroups: number
  /** Samples kept per window (and group): longer windows are kept at a coarser spacing. */
  readonly samplesPerWindow: number
  /** The evaluation interval, when known: windows shorter than samplesPerWindow intervals keep fewer slots. */
  readonly intervalMs?: number
}

/** Series of one selector that a source reads, with what it left out for the limits. */
export abstract class SelectorSource implements SeriesConsumer {
  /** Series left out because of `maxSeries`/`maxGroups` (counted when they appear). */
  overLimit = 0

  constructor (readonly matchers: readonly Matcher[], protected readonly limits: Limits) {}

  offer (slot: Slot, baseline: boolean): boolean {
    for (const matcher of this.matchers) {
      if (!matcher.matches(slot.labels[matcher.name])) return false
    }
    if (!this.accept(slot, baseline)) {
      this.overLimit++
      return false
    }
    return true
  }

  protected abstract accept (slot: Slot, baseline: boolean): boolean
}

/** The labels a series keeps after `sum by (by)`; labels with empty values do not exist in PromQL. */
export function groupLabels (labels: Readonly<Record<string, string>>, by: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of by) {
    const value = labels[name]
    if (value !== undefined && value !== '') out[name] = value
  }
  return out
}
