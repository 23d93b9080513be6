import { test } from 'tap'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import Fastify, { type FastifyInstance } from 'fastify'
import { pino, type Logger } from 'pino'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import tracing, { initTracing, type InstrumentationOptions } from '../src/index.js'
import { LogLines } from './helpers.js'

async function service (name: string, logs: LogLines): Promise<FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>> {
  const app = Fastify({ loggerInstance: pino({ base: { service: name } }, logs) })
  await app.register(tracing)
  return app
}

const modes: Array<[string, InstrumentationOptions]> = [
  ['the plugin starts the server spans (no HTTP server instrumentation)', { httpServer: false, httpClient: true, fetch: true }],
  ['HTTP server instrumentation starts them, the plugin enriches them', { httpServer: true, httpClient: true, fetch: true }]
]

for (const [mode, instrumentations] of modes) {
  test(`service A calls service B: one trace, B's server span a child of A's client span; ${mode}`, async (t) => {
    const exporter = new InMemorySpanExporter()
    const sdk = initTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations, env: {} })
    t.teardown(() => sdk.shutdown())

    const logsA = new LogLines()
    const logsB = new LogLines()
    const b = await service('b', logsB)
    b.get('/search', async (request) => {
      request.log.info({ q: (request.query as { q: string }).q }, 'searching')
      return { hits: 3 }
    })
    await b.listen({ port: 0, host: '127.0.0.1' })
    t.teardown(() => b.close())
    const { port } = b.server.address() as { port: number }

    const a = await service('a', logsA)
    a.get('/ask', async (request) => {
      request.log.info('asking b')
      const response = await a.tracing.withSpan('tool.search', () => fetch(`http://127.0.0.1:${port}/search?q=cats`))
      return { fromB: await response.json(), traceId: request.traceId }
    })
    await a.listen({ port: 0, host: '127.0.0.1' })
    t.teardown(() => a.close())
    const portA = (a.server.address() as { port: number }).port

    // The test's own call goes through fetch too; it is the root of the trace.
    const body = await (await fetch(`http://127.0.0.1:${portA}/ask`)).json() as { fromB: unknown, traceId: string }
    t.same(body.fromB, { hits: 3 })

    const spans = exporter.getFinishedSpans()
    const servers = spans.filter((span) => span.kind === SpanKind.SERVER)
    const serverA = servers.find((span) => span.name === 'GET /ask')!
    const serverB = servers.find((span) => span.name === 'GET /search')!
    t.equal(servers.length, 2, 'exactly one server span per service')
    t.ok(serverA && serverB)
    const traceId = serverA.spanContext().traceId
    t.equal(body.traceId, traceId)
    t.equal(serverB.spanContext().traceId, traceId, 'both server spans share one trace id')

    const clientA = spans.find((span) => span.kind === SpanKind.CLIENT && String(span.attributes['url.full']).includes('/search'))!
    t.ok(clientA, 'A made a client span for its call')
    t.equal(serverB.parentSpanContext?.spanId, clientA.spanContext().spanId, "B's server span is a child of A's client span")
    const tool = spans.find((span) => span.name === 'tool.search')!
    t.equal(clientA.parentSpanContext?.spanId, tool.spanContext().spanId, 'the client span is a child of the withSpan')
    t.equal(tool.parentSpanContext?.spanId, serverA.spanContext().spanId, 'which is a child of A\'s server span')
    t.equal(serverB.attributes['http.route'], '/search')

    const linesA = logsA.lines.filter((line) => line.reqId !== undefined)
    const linesB = logsB.lines.filter((line) => line.reqId !== undefined)
    t.ok(linesA.some((line) => line.msg === 'asking b'))
    t.ok(linesB.some((line) => line.msg === 'searching'))
    t.ok(linesA.every((line) => line.trace_id === traceId), 'every request line of A carries the trace id')
    t.ok(linesB.every((line) => line.trace_id === traceId), 'every request line of B carries the trace id')
    t.ok(linesB.every((line) => line.span_id === serverB.spanContext().spanId))
  })
}
