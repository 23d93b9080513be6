import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import { VectorBuffer } from '../src/promql/vector-buffer.js'
import type { Vector } from '../src/promql/vector.js'
import { RegistrySnapshot } from '../src/series/registry-snapshot.js'
import { SeriesIndex, type Slot } from '../src/series/series-index.js'

const fill = (buffer: VectorBuffer, entries: Array<[string, number]>): Vector => {
  buffer.start()
  for (const [key, value] of entries) buffer.push(key, { k: key }, value)
  return buffer.finish()
}

const plain = (vector: Vector): Array<[string, Record<string, string>, number]> => [...vector].map(([key, s]) => [key, { ...s.labels }, s.value])

const fresh = (entries: Array<[string, number]>): Vector => {
  const out: Vector = new Map()
  for (const [key, value] of entries) out.set(key, { labels: { k: key }, value })
  return out
}

test('a reused result vector is what a new Map filled in the same order would be', async (t) => {
  const buffer = new VectorBuffer()
  const cycles: Array<Array<[string, number]>> = [
    [['a', 1], ['b', 2], ['c', 3]],
    [['a', 4], ['b', 5], ['c', 6]],
    [['b', 7], ['a', 8]],
    [['a', 9], ['x', 10], ['b', 11]],
    [['a', 12], ['a', 13], ['b', 14]],
    [['a', 15], ['b', 16]],
    [],
    [['c', 17]]
  ]
  for (const entries of cycles) {
    t.same(plain(fill(buffer, entries)), plain(fresh(entries)), JSON.stringify(entries))
  }
  const first = fill(buffer, [['a', 1], ['b', 2]])
  const sample = first.get('a')
  const second = fill(buffer, [['a', 3], ['b', 4]])
  t.equal(second, first, 'the same keys in the same order refill the same map')
  t.equal(second.get('a'), sample, 'and the same sample objects')
  t.equal(sample?.value, 3)
})

test('a snapshot keeps the values it read while the cycle pauses and the family changes in place', async (t) => {
  const app = Fastify()
  await app.register(metrics, { processMetrics: false, agentMetrics: false })
  const jobs = app.metrics.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['worker'] })
  const queue = app.metrics.gauge({ name: 'queue_size', help: 'Queue.', labelNames: ['queue'] })
  await app.ready()
  t.teardown(() => app.close())
  jobs.inc({ worker: 'a' }, 5)
  queue.set({ queue: 'q' }, 7)
  const source = new RegistrySnapshot(app.metrics.registry)
  let pauses = 0
  // Each pause lets "the rest of the process" run: the client updates its value objects in place.
  const pause = (): Promise<void> => {
    pauses++
    jobs.inc({ worker: 'a' }, 100)
    queue.inc({ queue: 'q' }, 1000)
    return Promise.resolve()
  }
  const snapshot = await source.collect(['jobs_total', 'queue_size'], pause)
  t.ok(pauses >= 1, 'the read paused between families')
  const values = (name: string): number[] => snapshot.samples.get(name)!.map((s) => s.value)
  t.same(values('jobs_total'), [5], 'the counter as it was read')
  t.equal(pauses, 2, 'one pause after each family')
  t.same(values('queue_size'), [1007], 'the gauge as it was read after the first pause, not as the second left it')
  t.same(values('jobs_total'), [5], 'still as read after every pause')
  const next = await source.collect(['jobs_total', 'queue_size'])
  t.ok(next.samples.get('jobs_total')![0]!.value > 5, 'the next read sees the new values')
})

test('a series that goes keeps its last value and reset offset, and the series that takes its place starts from zero', async (t) => {
  const index = new SeriesIndex('jobs_total')
  const seen: Slot[] = []
  index.attach({ offer: (slot) => { seen.push(slot); return true } })
  await index.ingest([{ labels: { worker: 'a' }, value: 7.5 }, { labels: { worker: 'b' }, value: 2 }])
  // A counter reset of `a`: 7.5 goes into its offset.
  await index.ingest([{ labels: { worker: 'a' }, value: 1.25 }, { labels: { worker: 'b' }, value: 3 }])
  const [a, b] = seen
  t.same([a!.value, a!.offset, b!.value, b!.offset], [1.25, 7.5, 3, 0])
  await index.ingest([{ labels: { worker: 'b' }, value: 4 }, { labels: { worker: 'c' }, value: 0.5 }])
  const c = seen[2]!
  t.equal(a!.gone, true, 'a went')
  t.same([a!.value, a!.offset], [1.25, 7.5], 'a keeps what it had reached')
  t.same([c.value, c.offset, b!.value], [0.5, 0, 4], 'c (in the place a left) and b have their own numbers')
  await index.ingest([{ labels: { worker: 'b' }, value: 5 }, { labels: { worker: 'c' }, value: 0.75 }])
  t.same([a!.value, a!.offset, c.value, b!.value], [1.25, 7.5, 0.75, 5], 'and keep them at the next snapshot')
})
