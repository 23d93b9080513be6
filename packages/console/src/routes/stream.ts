import type { FastifyInstance } from 'fastify'
import type { LiveFeed } from '../live/live-feed.js'

/**
 * `GET {prefix}api/stream`: the overview as server-sent events (`history` first, then `sample`
 * and `health`). The stream lives as long as the page: its closing is what stops the sampling.
 * Bounded: at most MAX_STREAMS pages at once, and a page that stops reading is closed once
 * MAX_BUFFERED bytes wait for it, so a client that never reads cannot make the server hold samples.
 */
const MAX_STREAMS = 32
const MAX_BUFFERED = 1024 * 1024

export function registerStream (scope: FastifyInstance, path: string, feed: LiveFeed, routeOptions: Record<string, unknown>): void {
  scope.get(path, routeOptions, (request, reply) => {
    if (feed.size >= MAX_STREAMS) {
      return reply.code(503).header('retry-after', '10').send({ error: `at most ${MAX_STREAMS} live pages at once` })
    }
    reply.hijack()
    const response = reply.raw
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    const subscriber = {
      write: (chunk: string) => {
        if (response.writableLength > MAX_BUFFERED) response.destroy()
        else response.write(chunk)
      },
      end: () => response.end()
    }
    response.once('close', () => { feed.unsubscribe(subscriber) })
    feed.subscribe(subscriber)
  })
}
