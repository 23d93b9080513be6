import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { LruCache } from '../src/cache.js'
import { critique, criticPrompt, parseScore, readCriticPrompt } from '../src/critic.js'
import { DeadLetterQueue } from '../src/dead-letters.js'
import { KnowledgeBase } from '../src/knowledge-base.js'
import { Random } from '../src/random.js'
import { TaskQueue } from '../src/task-queue.js'
import { TaskStore } from '../src/task-store.js'
import { taskType } from '../src/task-type.js'
import { calculator } from '../src/tools.js'
import type { Task } from '../src/task.js'

test('Random is reproducible from a seed, and log-normal samples centre on the median', async (t) => {
  const a = new Random(42)
  const b = new Random(42)
  t.same(Array.from({ length: 5 }, () => a.next()), Array.from({ length: 5 }, () => b.next()))
  const r = new Random(7)
  const samples = Array.from({ length: 20_001 }, () => r.logNormal(100, 0.5)).sort((x, y) => x - y)
  const median = samples[10_000]!
  t.ok(median > 95 && median < 105, `median ${median}`)
  t.ok(samples[19_800]! > 250, 'a long tail')
})

test('LruCache: hits, misses, evictions by size and by age', async (t) => {
  const events = { hit: 0, miss: 0, evicted: 0 }
  const cache = new LruCache<number>(2, 50, { hit: () => events.hit++, miss: () => events.miss++, evicted: (n) => { events.evicted += n } })
  cache.set('a', 1)
  cache.set('b', 2)
  t.equal(cache.get('a'), 1)
  cache.set('c', 3)
  t.equal(cache.get('b'), undefined, 'b was the least recently used')
  t.equal(cache.get('a'), 1)
  await sleep(60)
  t.equal(cache.get('c'), undefined, 'expired')
  t.same(events, { hit: 2, miss: 2, evicted: 2 })
})

test('TaskQueue: bounded, worked by a fixed number of workers, reporting its depth', async (t) => {
  const depths: number[] = []
  let running = 0
  let most = 0
  const queue = new TaskQueue<number>(3, 2, async () => {
    running++
    most = Math.max(most, running)
    await sleep(20)
    running--
  }, (depth) => depths.push(depth))
  const accepted = [1, 2, 3, 4, 5, 6].map((n) => queue.push(n))
  t.same(accepted, [true, true, true, true, true, false], 'two start at once, three wait, the sixth is refused')
  await queue.close(5000, () => t.fail('nothing is abandoned when there is time'))
  t.equal(most, 2)
  t.equal(queue.depth, 0)
  t.equal(depths.at(-1), 0)
  t.equal(queue.push(7), false, 'closed')
})

test('TaskQueue.close abandons what still waits after its timeout, and resolves when the workers are idle', async (t) => {
  const abandoned: number[] = []
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const queue = new TaskQueue<number>(10, 1, async () => { await gate }, () => {})
  for (const n of [1, 2, 3]) queue.push(n)
  const closing = queue.close(20, (n) => abandoned.push(n))
  await sleep(50)
  t.same(abandoned, [2, 3], 'the waiting items, not the one being worked on')
  release()
  await closing
  t.equal(queue.inProgress, 0)
})

test('TaskStore forgets the oldest finished tasks beyond its size', async (t) => {
  const store = new TaskStore(2)
  const task = (id: string, status: Task['status']): Task => ({ id, query: 'q', model: 'm', status, createdAt: '' })
  store.add(task('1', 'completed'))
  store.add(task('2', 'running'))
  store.add(task('3', 'queued'))
  t.equal(store.get('1'), undefined)
  t.ok(store.get('2'))
  t.same(store.list(10).map((x) => x.id), ['3', '2'])
  t.same(store.list(10, 'running').map((x) => x.id), ['2'])
})

test('calculator parses binary arithmetic and refuses anything else', async (t) => {
  t.equal(calculator('12 * 7'), '84')
  t.equal(calculator('1500 / 60'), '25')
  t.equal(calculator('0.1 + 0.2'), '0.3')
  t.throws(() => calculator('5 / 0'), { code: 'DIVISION_BY_ZERO' })
  t.throws(() => calculator('process.exit(1)'), { code: 'BAD_TOOL_INPUT' })
})

test('knowledge base search and critic score', async (t) => {
  const kb = new KnowledgeBase()
  t.same(kb.search('What is an SLO burn rate?').map((n) => n.id)[0], 'slo')
  t.same(kb.search('zzz qqq'), [])
  t.equal(critique({ question: 'q', answer: 'From 2 note(s): …', sources: 2, toolsOk: 1, toolsFailed: 0 }), 0.75)
  t.equal(critique({ question: 'q', answer: 'I have no notes on "x"', sources: 0, toolsOk: 0, toolsFailed: 1 }), 0.05)
})

test('the critic prompt carries the facts the rubric needs, and only a number from 0 to 1 is a score', async (t) => {
  const facts = { question: 'What is\n12 * 7?', answer: 'From 1 note(s): …\nand a second line', sources: 1, toolsOk: 1, toolsFailed: 0 }
  t.same(readCriticPrompt(criticPrompt(facts)), { ...facts, question: 'What is 12 * 7?' })
  t.equal(parseScore(' 0.75\n'), 0.75)
  t.equal(parseScore('1'), 1)
  for (const bad of ['', 'great', '1.5', '-0.1', 'NaN']) t.throws(() => parseScore(bad), { code: 'BAD_CRITIC_ANSWER' }, JSON.stringify(bad))
})

test('task types: calculation, time, or a question', async (t) => {
  t.equal(taskType('What is 1500 / 60 seconds?'), 'calculation')
  t.equal(taskType('What time is it now for the on-call?'), 'time')
  t.equal(taskType('What is an exemplar?'), 'question')
})

test('DeadLetterQueue: bounded, newest first, reporting its size', async (t) => {
  const sizes: number[] = []
  const dlq = new DeadLetterQueue(2, (size) => sizes.push(size))
  const task = (id: string): Task => ({ id, query: 'q', model: 'm', status: 'failed', createdAt: '' })
  dlq.add(task('1'))
  dlq.add(task('2'))
  dlq.add(task('3'))
  t.same(dlq.list(10).map((x) => x.id), ['3', '2'], 'the oldest went')
  t.equal(dlq.take('2')?.id, '2')
  t.equal(dlq.take('2'), undefined)
  t.same(sizes, [0, 1, 2, 2, 1])
})
