// Changes since the previous push, for delta temporality (OTLP) and StatsD counters. A series that
// went down was reset: its whole current value is the change. (Native histograms: native/arithmetic.ts.)
import type { HistogramPoint } from './families.js'

export const counterWentDown = (previous: number, current: number): boolean => current < previous

export const histogramWentDown = (previous: HistogramPoint, current: HistogramPoint): boolean =>
  current.count < previous.count || current.counts.length !== previous.counts.length

export function histogramDelta (current: HistogramPoint, previous: HistogramPoint | undefined): HistogramPoint {
  if (previous === undefined) return current
  return {
    ...current,
    counts: current.counts.map((count, i) => count - previous.counts[i]!),
    sum: current.sum - previous.sum,
    count: current.count - previous.count
  }
}
