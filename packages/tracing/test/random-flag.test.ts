// W3C Trace Context Level 2: the random trace-id flag (trace-flags bit 2) of an incoming
// traceparent stays on every span of the trace and on every traceparent sent on with it.
import { test } from 'tap'
import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { suppressTracing } from '@opentelemetry/core'
import Fastify from 'fastify'
import { get as httpGet } from 'node:http'
import tracing, { initTracing, type InstrumentationOptions } from '../src/index.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { LogLines, PARENT_ID, TRACE_ID } from './helpers.js'
import { receivedSpans, SPAN_KIND, startTraceReceiver, type WireSpan } from '../../../test-support/otlp-traces.js'

type Client = 'fetch' | 'http'

// node:http is instrumented by the first SDK of a process only (require-in-the-middle hands a
// later one the module it has already seen), so the second SDK here calls out with fetch alone.
const modes: Array<[string, InstrumentationOptions, Client[]]> = [
  ['HTTP server instrumentation starts the server span', { httpServer: true, httpClient: true, fetch: true }, ['fetch', 'http']],
  ['the plugin starts the server span', { httpServer: false, httpClient: true, fetch: true }, ['fetch']]
]

/** The trace-flags of a traceparent header. */
const flagsOf = (traceparent: unknown): string => String(traceparent).split('-')[3] ?? ''

/** A trace id per case, so that the exported spans of each can be told apart. */
const traceIdOf = (flags: string): string => `${TRACE_ID.slice(0, -2)}${flags}`

async function httpGetDone (url: string): Promise<void> {
  await new Promise((resolve, reject) => httpGet(url, (response) => response.resume().on('end', resolve)).on('error', reject))
}

for (const [mode, instrumentations, clients] of modes) {
  test(`incoming trace-flags 02 and 03 go out as 02 and 03, on spans and outbound calls; ${mode}`, async (t) => {
    const collector = await startTraceReceiver()
    t.teardown(() => collector.close())
    const sdk = initTracing({ instrumentations, env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'random-flag' } })
    t.teardown(() => sdk.shutdown())
    const downstream = await startReceiver()
    t.teardown(() => downstream.close())

    const logs = new LogLines()
    const app = Fastify({ logger: { stream: logs } })
    await app.register(tracing)
    app.get('/call', async () => app.tracing.withSpan('step', async () => {
      for (const client of clients) {
        if (client === 'fetch') await (await fetch(`${downstream.url}/fetch`)).text()
        else await httpGetDone(`${downstream.url}/http`)
      }
      return 'done'
    }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }

    const cases: Array<[string, string | undefined, string]> = [
      ['sampled and random', '03', '03'],
      ['random, not sampled', '02', '02'],
      ['sampled, not random: the flag is never made up', '01', '01'],
      ['a new trace: not flagged random', undefined, '01']
    ]
    for (const [what, incoming, expected] of cases) {
      const headers = incoming === undefined ? {} : { traceparent: `00-${traceIdOf(incoming)}-${PARENT_ID}-${incoming}` }
      // Untraced itself, so that the traceparent sent is this one.
      const response = await context.with(suppressTracing(context.active()), () => fetch(`http://127.0.0.1:${port}/call`, { headers }))
      t.equal(await response.text(), 'done')
      const calls = downstream.received.splice(0)
      t.same(calls.map((call) => call.url).sort(), clients.map((client) => `/${client}`).sort())
      t.same(calls.map((call) => flagsOf(call.headers.traceparent)), clients.map(() => expected), `${what}: outbound traceparent flags ${expected}`)
      if (incoming !== undefined) {
        t.ok(calls.every((call) => String(call.headers.traceparent).startsWith(`00-${traceIdOf(incoming)}-`)), `${what}: the trace goes on`)
      }
      const line = logs.lines.findLast((l) => l.msg === 'request completed')
      t.equal(line?.trace_flags, expected, `${what}: the request's log lines say so`)
    }

    // Exported, the spans carry the flag too: the server span, the withSpan, the client spans
    // (and, with HTTP server instrumentation, the downstream receiver's own server spans).
    await app.close()
    const ofTrace = (flags: string): WireSpan[] => receivedSpans(collector).filter((span) => span.traceId === traceIdOf(flags))
    const random = await waitFor('the spans of the random trace', async () => {
      const spans = ofTrace('03')
      return spans.filter((span) => span.kind === SPAN_KIND.CLIENT).length === clients.length && spans.some((span) => span.name === 'GET /call') ? spans : undefined
    }, 5_000, 20)
    t.ok(random.some((span) => span.name === 'step'))
    t.same(new Set(random.map((span) => span.traceFlags)), new Set([3]), 'every span of it is exported with trace flags 03')
    t.same(new Set(ofTrace('01').map((span) => span.traceFlags)), new Set([1]), 'a trace that came in 01 stays 01')
    t.same(ofTrace('02'), [], 'the unsampled trace exported nothing')
  })
}

test('spans started through the API inherit the flag in every form, and only within the same trace', async (t) => {
  const sdk = initTracing({ instrumentations: false, env: {} })
  t.teardown(() => sdk.shutdown())
  const tracer = trace.getTracer('random-flag-test')
  const remote = propagation.extract(ROOT_CONTEXT, { traceparent: `00-${TRACE_ID}-${PARENT_ID}-03` })
  const outbound = (): string => {
    const carrier: Record<string, string> = {}
    propagation.inject(context.active(), carrier)
    return flagsOf(carrier.traceparent)
  }

  t.equal(tracer.startSpan('explicit parent', {}, remote).spanContext().traceFlags, 3, 'startSpan with a context')
  context.with(remote, () => {
    t.equal(tracer.startSpan('active parent').spanContext().traceFlags, 3, 'startSpan in the active one')
    t.equal(tracer.startActiveSpan('active', () => outbound()), '03', 'startActiveSpan(name, fn)')
    t.equal(tracer.startActiveSpan('with options', { attributes: { a: 1 } }, () => outbound()), '03', 'startActiveSpan(name, options, fn)')
    t.equal(tracer.startSpan('root', { root: true }).spanContext().traceFlags, 1, 'a new root is a new trace: no flag')
  })
  t.equal(tracer.startActiveSpan('given context', {}, remote, (span) => span.spanContext().traceFlags), 3, 'startActiveSpan(name, options, context, fn)')
  // A suppressed span carries the API's one shared invalid context: it must stay as it is.
  const invalidParent = trace.setSpanContext(ROOT_CONTEXT, { ...INVALID_SPAN_CONTEXT, traceFlags: 2 })
  context.with(suppressTracing(invalidParent), () => tracer.startSpan('suppressed').end())
  t.equal(INVALID_SPAN_CONTEXT.traceFlags, 0, 'the invalid span context is left alone')
  t.equal(sdk.provider!.getTracer('t', '1'), sdk.provider!.getTracer('t', '1'), 'the provider makes each tracer once')
})
