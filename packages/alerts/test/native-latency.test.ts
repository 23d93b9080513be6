import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'tap'
import { buildApp, MINUTE, T0 } from './helpers.js'

// Integration: @obs/metrics keeps native buckets, @obs/alerts evaluates a latency rule over them.
// Expected quantiles are worked out here from the bucket bounds, as Prometheus 3 interpolates:
// at schema s bucket i holds (2^((i-1)/2^s), 2^(i/2^s)], and within a bucket the quantile lies
// `fraction` of the way from its lower to its upper bound on a log2 scale.
const close = (actual: number | null | undefined, expected: number): boolean =>
  typeof actual === 'number' && Math.abs(actual - expected) <= 1e-9 * expected

test('a latency rule over an app histogram with native: true reads its exponential buckets over the window', async (t) => {
  let now = T0
  const app = await buildApp({
    rules: [
      { kind: 'latency', name: 'SlowJobs', quantile: 0.9, above: 2.5, window: '5m', metric: 'job_seconds' },
      // Above 0: always active, to read the p90 while SlowJobs is not.
      { kind: 'latency', name: 'JobsP90', quantile: 0.9, above: 0, window: '5m', metric: 'job_seconds' }
    ],
    now: () => now
  })
  t.teardown(() => app.close())
  const jobs = app.metrics.histogram({ name: 'job_seconds', help: 'Job duration.', native: true })
  await app.ready()
  const evaluate = async (): Promise<void> => {
    now += MINUTE
    t.same((await app.alerts.evaluate()).errors, [], 'no rule error')
  }
  const alert = (name: string) => app.alerts.active().find((a) => a.name === name)

  // Before the first sample: outside every window.
  for (let i = 0; i < 5; i++) jobs.observe(60)
  await evaluate()
  // Schema 3 (the default): 0.1 → index ceil(8 log2 0.1) = ceil(-26.58) = -26; 0.3 → ceil(-13.9) = -13;
  // 3 → ceil(12.68) = 13, the bucket (2^(12/8), 2^(13/8)] = (2.83, 3.08].
  for (let i = 0; i < 4; i++) jobs.observe(0.1)
  for (let i = 0; i < 4; i++) jobs.observe(0.3)
  jobs.observe(3)
  jobs.observe(3)
  await evaluate()
  // p90 of the 10 in the window: rank 1 counted from the top falls in the 3s' bucket, half way
  // through its 2: 2^(12.5/8) = 2.95. (The classic buckets would put it in (2.5, 5], at 3.75.)
  const firing = alert('SlowJobs')
  t.equal(firing?.state, 'firing')
  t.ok(close(firing?.value, 2 ** (12.5 / 8)), `p90 ${firing?.value} = 2^(12.5/8)`)

  // Six minutes of one 0.1 a minute: the 3s leave the window, and the p90 is 0.9 of the way
  // through (2^(-27/8), 2^(-26/8)].
  for (let minute = 0; minute < 6; minute++) {
    jobs.observe(0.1)
    await evaluate()
  }
  t.equal(alert('SlowJobs'), undefined, 'resolved')
  const p90 = alert('JobsP90')?.value
  t.ok(close(p90, 2 ** ((-27 + 0.9) / 8)), `p90 ${p90} = 2^(-26.1/8), within the 0.1s' bucket`)
})

test('a latency rule over the request-duration histogram with nativeHistograms reads the native buckets of real requests', async (t) => {
  let now = T0
  const app = await buildApp(
    { rules: [{ kind: 'latency', name: 'SlowRequests', quantile: 0.5, above: 0.3, window: '5m' }], now: () => now },
    { nativeHistograms: { schema: -1 } }
  )
  t.teardown(() => app.close())
  app.get('/work', async (request) => {
    await sleep(Number((request.query as { ms: string }).ms))
    return 'done'
  })
  await app.ready()
  const evaluate = async (): Promise<void> => {
    now += MINUTE
    t.same((await app.alerts.evaluate()).errors, [], 'no rule error')
  }
  // A first request makes the series, so that the first sample holds it; it is before the window.
  await app.inject('/work?ms=0')
  await evaluate()
  // Schema -1: bucket i holds (4^(i-1), 4^i]. Three requests of 300 ms (and a little more) fall in
  // (0.25, 1], one of 1.2 s in (1, 4]: even a very busy machine does not stretch them past a bound.
  await Promise.all([300, 300, 300, 1200].map((ms) => app.inject(`/work?ms=${ms}`)))
  await evaluate()
  // The median of 4: rank 2 from the top, past the 1 in (1, 4], leaves 2 of the 3 in (0.25, 1]
  // below it: 2/3 of the way up on a log scale, 0.25 × 4^(2/3) = 2^(-2/3) = 0.630.
  const alert = app.alerts.active().find((a) => a.name === 'SlowRequests')
  t.equal(alert?.state, 'firing')
  t.ok(close(alert?.value, 2 ** (-2 / 3)), `p50 ${alert?.value} = 2^(-2/3)`)
})
