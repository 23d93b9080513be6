/**
 * PromQL's `rate()`/`increase()` (Prometheus 2.x `extrapolatedRate`) over the samples of a range
 * `[start, end]` (both ends inclusive, as in Prometheus 2.x):
 *
 * - fewer than two samples: no result;
 * - a counter reset (a drop) adds the value before the drop, so the increase never goes negative;
 * - the increase between the first and last sample is extrapolated towards the range's ends when
 *   the samples reach within 1.1 average intervals of them, else by half an interval; and never
 *   back past the point where the counter would have been zero.
 *
 * `firstValue`/`lastValue` are reset-corrected (monotonic) values and `firstRaw` the raw value
 * of the first sample, so that a caller that tracks resets as samples arrive does not need to
 * keep the samples in between; `count` is how many samples there were from first to last.
 * Times in milliseconds; plain numbers, as this runs for every group at every evaluation.
 */
export function extrapolate (
  firstT: number, firstValue: number, firstRaw: number, lastT: number, lastValue: number, count: number,
  start: number, end: number, isRate: boolean
): number | undefined {
  if (count < 2 || lastT <= firstT) return undefined
  let result = lastValue - firstValue
  let toStart = (firstT - start) / 1000
  const toEnd = (end - lastT) / 1000
  const sampled = (lastT - firstT) / 1000
  const average = sampled / (count - 1)
  if (result > 0 && firstRaw >= 0) {
    const toZero = sampled * (firstRaw / result)
    if (toZero < toStart) toStart = toZero
  }
  const threshold = average * 1.1
  let interval = sampled
  interval += toStart < threshold ? toStart : average / 2
  interval += toEnd < threshold ? toEnd : average / 2
  result *= interval / sampled
  return isRate ? result / ((end - start) / 1000) : result
}

/**
 * `rate()` (or `increase()` when `isRate` is false) over raw counter samples `[t ms, value]`,
 * exactly as PromQL computes it for one series at time `end` over the range `end - range`.
 */
export function counterRate (samples: ReadonlyArray<readonly [number, number]>, end: number, range: number, isRate = true): number | undefined {
  const start = end - range
  const inRange = samples.filter(([t]) => t >= start && t <= end)
  if (inRange.length < 2) return undefined
  let corrected = 0
  let previous = inRange[0]![1]
  for (const [, value] of inRange) {
    if (value < previous) corrected += previous
    previous = value
  }
  const [t0, v0] = inRange[0]!
  const [tn, vn] = inRange[inRange.length - 1]!
  return extrapolate(t0, v0, v0, tn, vn + corrected, inRange.length, start, end, isRate)
}
