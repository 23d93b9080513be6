import { test } from 'tap'
import { LogStore, logTee } from '../src/index.js'
import { queryLogs } from '../src/queries/logs.js'

const line = (fields: Record<string, unknown>): string => `${JSON.stringify(fields)}\n`

test('the store keeps the newest lines up to its capacity, numbered', async (t) => {
  const store = new LogStore(3)
  for (let i = 0; i < 5; i++) store.write(line({ level: 30, msg: `line ${i}` }))
  t.equal(store.length, 3)
  t.equal(store.lastSeq, 4)
  t.same(queryLogs(store, { limit: 10 }).map((l) => [l.seq, l.msg]), [[2, 'line 2'], [3, 'line 3'], [4, 'line 4']])
})

test('a chunk with several lines (or none ending it) is split into lines; bytes are decoded', async (t) => {
  const store = new LogStore(10)
  store.write(line({ msg: 'a' }) + line({ msg: 'b' }) + '{"msg":"c"}')
  store.write(Buffer.from(line({ msg: 'é' })))
  t.same(queryLogs(store, { limit: 10 }).map((l) => l.msg), ['a', 'b', 'c', 'é'])
})

test('logTee writes each line to its destination and to the store', async (t) => {
  const store = new LogStore(10)
  const written: string[] = []
  const tee = logTee(store, { write: (chunk: string) => written.push(chunk) })
  tee.write(line({ level: 30, msg: 'hello' }))
  t.same(written, [line({ level: 30, msg: 'hello' })])
  t.same(queryLogs(store, { limit: 10 }).map((l) => l.msg), ['hello'])
})

test('queries filter by least level (numbers or names), by text, and after a sequence number', async (t) => {
  const store = new LogStore(100)
  store.write(line({ level: 20, msg: 'debugging', time: 1_700_000_000_000 }))
  store.write(line({ level: 'info', msg: 'served /users/7', time: '2026-11-22T10:00:00.000Z', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), reqId: 'req-1' }))
  store.write(line({ level: 50, msg: 'Upstream FAILED' }))
  store.write('not json at all\n')
  t.same(queryLogs(store, { level: 'info', limit: 10 }).map((l) => l.msg), ['served /users/7', 'Upstream FAILED', 'not json at all'])
  t.same(queryLogs(store, { level: 'error', limit: 10 }).map((l) => l.msg), ['Upstream FAILED'])
  t.same(queryLogs(store, { text: 'failed', limit: 10 }).map((l) => l.msg), ['Upstream FAILED'], 'any case')
  t.same(queryLogs(store, { after: 1, limit: 10 }).map((l) => l.seq), [2, 3])
  t.same(queryLogs(store, { limit: 2 }).map((l) => l.seq), [2, 3], 'the newest lines')
  const [served] = queryLogs(store, { text: '/users/7', limit: 1 })
  t.same(served, {
    seq: 1,
    time: Date.parse('2026-11-22T10:00:00.000Z'),
    level: 'info',
    msg: 'served /users/7',
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    fields: { reqId: 'req-1' }
  })
  t.equal(queryLogs(store, { text: 'debugging', limit: 1 })[0]?.level, 'debug')
})

test('a bad capacity is refused', async (t) => {
  t.throws(() => new LogStore(0), RangeError)
})
