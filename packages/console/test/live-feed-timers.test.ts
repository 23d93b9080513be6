import { test } from 'tap'
import { LiveFeed } from '../src/live/live-feed.js'
import { OverviewSampler } from '../src/live/overview-sampler.js'

const log = { warn () {} } as unknown as ConstructorParameters<typeof LiveFeed>[2]
const page = (): { chunks: string[], ended: boolean, write: (c: string) => void, end: () => void } => {
  const p = { chunks: [] as string[], ended: false, write: (c: string) => { p.chunks.push(c) }, end: () => { p.ended = true } }
  return p
}

test('the feed runs its timers only between the first subscriber and the last unsubscribe', async (t) => {
  const sampler = new OverviewSampler({ rates: undefined, health: undefined }, 10, Date.now)
  const feed = new LiveFeed(sampler, { intervalMs: 1000, healthIntervalMs: 1000, historySeconds: 10, missing: {} }, log)
  t.equal(feed.watching, false)
  const one = page()
  const two = page()
  feed.subscribe(one)
  t.equal(feed.watching, true)
  t.match(one.chunks[0], /^event: history\ndata: \{"intervalMs":1000,"historySeconds":10,"samples":\[\],"health":null,"missing":\{\}\}\n\n$/)
  feed.subscribe(two)
  feed.unsubscribe(one)
  t.equal(feed.watching, true, 'one page still watches')
  feed.unsubscribe(two)
  t.equal(feed.watching, false)
  feed.subscribe(one)
  feed.close()
  t.equal(one.ended, true)
  t.equal(feed.watching, false)
})

test('a sample after a pause in watching marks the gap', async (t) => {
  let now = 1_000
  const sampler = new OverviewSampler({ rates: undefined, health: undefined }, 3, () => now)
  await sampler.begin()
  now += 1000
  t.notOk((await sampler.sample()).gap)
  sampler.end()
  await sampler.begin()
  now += 1000
  t.equal((await sampler.sample()).gap, true)
  now += 1000
  t.notOk((await sampler.sample()).gap)
  now += 1000
  await sampler.sample()
  t.equal(sampler.samples.length, 3, 'bounded history')
  sampler.end()
})
