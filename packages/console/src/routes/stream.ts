import type { FastifyInstance } from 'fastify'
import type { LiveFeed } from '../live/live-feed.js'

/**
 * `GET {prefix}api/stream`: the overview as server-sent events (`history` first, then `sample`
 * and `health`). The stream lives as long as the page: its closing is what stops the sampling.
 */
export function registerStream (scope: FastifyInstance, path: string, feed: LiveFeed, routeOptions: Record<string, unknown>): void {
  scope.get(path, routeOptions, (request, reply) => {
    reply.hijack()
    const response = reply.raw
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    const subscriber = { write: (chunk: string) => response.write(chunk), end: () => response.end() }
    response.once('close', () => { feed.unsubscribe(subscriber) })
    feed.subscribe(subscriber)
  })
}
