import { test } from 'tap'
import { waitFor } from '../../../test-support/wait-for.js'
import { fixture, startChildApp } from './child-app.js'
import { receivedSpans, SPAN_KIND, startTraceReceiver } from '../../../test-support/otlp-traces.js'

const REQUESTS = 12

for (const mode of ['with HTTP instrumentation', 'no-http-instrumentation']) {
  test(`an ESM app with no preload yields exactly one server span per request (${mode})`, async (t) => {
    const receiver = await startTraceReceiver()
    t.teardown(() => receiver.close())
    const app = await startChildApp([fixture('esm-app.mjs'), ...(mode === 'no-http-instrumentation' ? [mode] : [])], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'esm-app'
    })
    const traceIds: string[] = []
    for (let i = 0; i < REQUESTS; i++) {
      const response = i % 3 === 2
        ? await fetch(`http://127.0.0.1:${app.port}/users`, { method: 'POST', body: JSON.stringify({ i }), headers: { 'content-type': 'application/json' } })
        : await fetch(`http://127.0.0.1:${app.port}/users/${i}`)
      t.equal(response.status, 200)
      const body = await response.json() as { traceId?: string }
      if (body.traceId !== undefined) traceIds.push(body.traceId)
    }
    const { code, stderr } = await app.stop()
    t.equal(code, 0, 'the app exits cleanly')
    t.equal(stderr, '', 'and quietly')

    const servers = await waitFor('the server spans', async () => {
      const spans = receivedSpans(receiver).filter((span) => span.kind === SPAN_KIND.SERVER)
      return spans.length >= REQUESTS ? spans : undefined
    }, 10_000)
    t.equal(servers.length, REQUESTS, 'exactly one server span per request')
    t.equal(new Set(servers.map((span) => span.traceId)).size, REQUESTS, 'each in its own trace')
    t.same(servers.map((span) => span.name).sort(), [
      ...Array.from({ length: REQUESTS * 2 / 3 }, () => 'GET /users/:id'),
      ...Array.from({ length: REQUESTS / 3 }, () => 'POST /users')
    ])
    t.ok(servers.every((span) => span.attributes['http.route'] !== undefined && span.resource['service.name'] === 'esm-app'))
    t.ok(traceIds.every((id) => servers.some((span) => span.traceId === id)), 'request.traceId is the exported trace')
  })
}
