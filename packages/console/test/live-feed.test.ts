import { request } from 'node:http'
import { once } from 'node:events'
import { test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, traffic } from './helpers.js'

/** Reads server-sent events from a real socket, one at a time. */
async function openStream (app: FastifyInstance): Promise<{ next: (name: string) => Promise<unknown>, close: () => void }> {
  const { port } = app.server.address() as { port: number }
  const req = request({ host: '127.0.0.1', port, path: '/obs/api/stream' })
  req.end()
  const [response] = await once(req, 'response') as [import('node:http').IncomingMessage]
  response.setEncoding('utf8')
  let buffer = ''
  const events: Array<{ event: string, data: unknown }> = []
  const waiters: Array<() => void> = []
  response.on('data', (chunk: string) => {
    buffer += chunk
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = /^data: (.*)$/m.exec(block)?.[1]
      events.push({ event, data: data === undefined ? undefined : JSON.parse(data) })
      end = buffer.indexOf('\n\n')
    }
    for (const wake of waiters.splice(0)) wake()
  })
  return {
    async next (name) {
      for (;;) {
        const index = events.findIndex((e) => e.event === name)
        if (index !== -1) return events.splice(index, 1)[0]!.data
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    },
    close: () => { req.destroy() }
  }
}

/** Resolves once no page watches any more (the server saw the stream close). */
async function unwatched (app: FastifyInstance): Promise<void> {
  while (app.obsConsole.watchers > 0) await new Promise((resolve) => setImmediate(resolve))
}

test('nothing is sampled while no page is open; an open page gets history, samples and health', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  await traffic(app, 20)

  const first = await openStream(app)
  const history = await first.next('history') as { samples: unknown[], intervalMs: number, missing: Record<string, string> }
  t.same(history.samples, [], 'no sample was taken before a page opened')
  t.equal(history.intervalMs, 500)
  t.same(history.missing, {}, 'every source is there')

  await traffic(app, 20)
  const sample = await first.next('sample') as { routes: Array<{ route: string, rate: number }>, process: { cpu: number, rssBytes: number } }
  t.ok(sample.routes.some((r) => r.route === '/users/:id' && r.rate > 0), 'the requests since the page opened')
  t.ok(sample.process.rssBytes > 0)
  const health = await first.next('health') as { checks: Array<{ name: string, status: string }> }
  t.same(health.checks.map((c) => [c.name, c.status]).sort(), [['database', 'pass'], ['event-loop', 'pass'], ['llm', 'warn']])

  first.close()
  await unwatched(app)
  const second = await openStream(app)
  const again = await second.next('history') as { samples: Array<{ gap?: boolean }> }
  t.ok(again.samples.length >= 1, 'the history kept between watches')
  second.close()
})

test('closing the app ends open streams', async (t) => {
  const { app } = await buildTestApp()
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.equal(app.obsConsole.watchers, 0)
  const stream = await openStream(app)
  await stream.next('history')
  t.equal(app.obsConsole.watchers, 1)
  await app.close()
  t.equal(app.obsConsole.watchers, 0, 'closing ends the stream (and so the timers)')
})

test('a page that leaves is no longer counted', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const stream = await openStream(app)
  await stream.next('history')
  t.equal(app.obsConsole.watchers, 1)
  stream.close()
  await unwatched(app)
  t.equal(app.obsConsole.watchers, 0)
})

test('at most 32 live pages at once: the 33rd is told 503, and a page that closes makes room', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const streams = await Promise.all(Array.from({ length: 32 }, async () => {
    const stream = await openStream(app)
    await stream.next('history')
    return stream
  }))
  t.teardown(() => { for (const stream of streams) stream.close() })
  t.equal(app.obsConsole.watchers, 32)
  const refused = await app.inject('/obs/api/stream')
  t.equal(refused.statusCode, 503)
  t.match(refused.json(), { error: 'at most 32 live pages at once' })
  streams.pop()!.close()
  await new Promise<void>((resolve) => { const wait = (): void => { if (app.obsConsole.watchers < 32) resolve(); else setImmediate(wait) }; wait() })
  const again = await openStream(app)
  t.ok(await again.next('history'), 'a new page gets its history')
  again.close()
})
