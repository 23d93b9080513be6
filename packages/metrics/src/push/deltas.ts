// Changes since the previous push, for delta temporality (OTLP) and StatsD counters. A series that
// went down was reset: its whole current value is the change.
import type { NativeHistogramSnapshot } from '../native/snapshot.js'
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

/** A finer schema than before, a different zero bucket or fewer observations: a reset. */
export const nativeWentDown = (previous: NativeHistogramSnapshot, current: NativeHistogramSnapshot): boolean =>
  current.count < previous.count || current.schema > previous.schema || current.zeroThreshold !== previous.zeroThreshold

/** Buckets at a coarser schema: Prometheus bucket i at schema s falls in ceil(i / 2^(s - t)) at schema t. */
function downscale (buckets: NativeHistogramSnapshot['positive'], by: number): Map<number, number> {
  const out = new Map<number, number>()
  const factor = 2 ** by
  for (const [index, count] of buckets) {
    const to = Math.ceil(index / factor)
    out.set(to, (out.get(to) ?? 0) + count)
  }
  return out
}

function bucketDelta (current: NativeHistogramSnapshot['positive'], previous: Map<number, number>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const [index, count] of current) {
    const change = count - (previous.get(index) ?? 0)
    if (change !== 0) out.push([index, change])
  }
  return out
}

export function nativeDelta (current: NativeHistogramSnapshot, previous: NativeHistogramSnapshot | undefined): NativeHistogramSnapshot {
  if (previous === undefined) return current
  const by = previous.schema - current.schema
  return {
    ...current,
    count: current.count - previous.count,
    sum: current.sum - previous.sum,
    zeroCount: current.zeroCount - previous.zeroCount,
    positive: bucketDelta(current.positive, downscale(previous.positive, by)),
    negative: bucketDelta(current.negative, downscale(previous.negative, by))
  }
}
