import { test } from 'tap'
import { formatDuration, parseDuration } from '../src/promql/duration.js'
import { counterRate, extrapolate } from '../src/promql/rate.js'
import { WindowRing } from '../src/series/window-ring.js'

const s = (seconds: number): number => seconds * 1000

test('rate() and increase() extrapolate as PromQL does', async (t) => {
  // Samples every 15 s covering the whole 1 m range: no extrapolation needed at the end, the
  // start is 0 s away: increase is exactly last - first.
  const full: Array<[number, number]> = [[s(0), 0], [s(15), 15], [s(30), 30], [s(45), 45], [s(60), 60]]
  t.equal(counterRate(full, s(60), s(60), false), 60)
  t.equal(counterRate(full, s(60), s(60)), 1)
  // Samples at 10..50 s in a 0..60 s range: each end is 10 s away, within 1.1 intervals:
  // extrapolated to the ends, 40 → 60.
  const inner: Array<[number, number]> = [[s(10), 110], [s(20), 120], [s(30), 130], [s(40), 140], [s(50), 150]]
  t.equal(counterRate(inner, s(60), s(60), false), 60)
  // Samples far from the start (more than 1.1 intervals): extrapolated by half an interval only.
  const late: Array<[number, number]> = [[s(40), 140], [s(50), 150], [s(60), 160]]
  t.equal(counterRate(late, s(60), s(60), false), 25, '20 over 20 s, plus 5 s (half an interval) towards the start')
  // A counter that started inside the range is not extrapolated below zero.
  const young: Array<[number, number]> = [[s(30), 1], [s(40), 11], [s(50), 21], [s(60), 31]]
  t.ok(Math.abs(counterRate(young, s(60), s(60), false)! - 31) < 1e-9, 'extrapolated back to the zero point (1 s before), not 5 s')
  t.equal(counterRate([[s(60), 5]], s(60), s(60)), undefined, 'one sample: no result')
  t.equal(extrapolate(0, 0, 0, 0, 0, 2, 0, 0, true), undefined, 'no time between the samples: no result')
})

test('counter resets add the value before the drop', async (t) => {
  const samples: Array<[number, number]> = [[s(0), 10], [s(15), 20], [s(30), 5], [s(45), 15], [s(60), 2]]
  // (20 - 10) + 5 + (15 - 5) + 2 = 27, i.e. last - first + 20 + 15.
  t.equal(counterRate(samples, s(60), s(60), false), 27)
})

test('durations: Prometheus strings and milliseconds', async (t) => {
  t.equal(parseDuration('5m'), 300_000)
  t.equal(parseDuration('1h30m'), 5_400_000)
  t.equal(parseDuration('1d2h3m4s5ms'), 93_784_005)
  t.equal(parseDuration('2w'), 1_209_600_000)
  t.equal(parseDuration(1500), 1500)
  t.equal(parseDuration('0'), 0)
  for (const bad of ['', '5', '5x', 'm5', '30m1h', '1h1h', '-5m', '1.5h', 1.5, -1, NaN, null, {}]) t.equal(parseDuration(bad), undefined, String(bad))
  t.equal(formatDuration(5_400_000), '1h30m')
  t.equal(formatDuration(259_200_000), '3d')
  t.equal(formatDuration(1500), '1s500ms')
  t.equal(formatDuration(0), '0s')
})

test('a window ring keeps a bounded number of samples, spaced for its window', async (t) => {
  const ring = new WindowRing(s(3600), 12) // 1 h, 12 samples: one every 5 m
  for (let minute = 0; minute <= 180; minute++) ring.push(minute * 60_000)
  t.ok(ring.size <= ring.capacity, `size ${ring.size} ≤ capacity ${ring.capacity}`)
  t.ok(ring.size >= 12, 'about one sample per step over the window')
  const newest = ring.slot(ring.size - 1)
  t.equal(ring.times[newest], 180 * 60_000, 'the newest sample is always current')
  const oldest = ring.slot(0)
  t.ok(ring.times[oldest]! >= 120 * 60_000, 'nothing older than the window')
})
