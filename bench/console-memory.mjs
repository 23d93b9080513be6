// What @obs/console's stores cost in memory: the heap a full span store and a full log store
// hold, per 1,000 spans and per 1,000 log lines, measured after garbage collection.
// `pnpm run build && node bench/console-memory.mjs` (it re-runs itself with --expose-gc).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

if (typeof globalThis.gc !== 'function') {
  execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' })
  process.exit(0)
}

const N = 10_000
const { initTracing, createLogger } = await import('@obs/tracing')
const { trace } = await import('@opentelemetry/api')
const { LogStore } = await import('@obs/console')
// The span store is internal (the plugin feeds it from the SDK): loaded from the build.
const { SpanStore } = await import('../packages/console/dist/stores/span-store.js')

const heap = () => {
  for (let i = 0; i < 4; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}
const perThousand = (bytes) => `${(bytes / N * 1000 / 1024).toFixed(0)} KiB`

// Spans as the demo makes them: a server span with the plugin's HTTP attributes and two children
// (an LLM call and a tool call) with a few attributes each; one in three with an exception event.
const sdk = initTracing({ serviceName: 'bench', exporter: 'none', sampler: 'always_on', instrumentations: false, env: {} })
const tracer = trace.getTracer('bench')
const spans = new SpanStore(N)
function makeTrace (i) {
  tracer.startActiveSpan('GET /users/:id', { kind: 1 }, (server) => {
    server.setAttributes({
      'http.request.method': 'GET',
      'http.route': '/users/:id',
      'url.path': `/users/${i}`,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': 3000,
      'client.address': '127.0.0.1',
      'user_agent.original': 'bench/1.0',
      'http.response.status_code': 200
    })
    tracer.startActiveSpan('agent.llm', (llm) => {
      llm.setAttributes({ 'gen_ai.request.model': 'sim-small', 'gen_ai.usage.input_tokens': 812, 'gen_ai.usage.output_tokens': 96 })
      if (i % 3 === 0) llm.recordException(Object.assign(new Error('rate limited'), { code: 'RATE_LIMITED' }))
      llm.end()
    })
    tracer.startActiveSpan('agent.tool', (tool) => { tool.setAttribute('gen_ai.tool.name', 'calculator'); tool.end() })
    server.end()
  })
}

// Spans are made first with no store attached, then again with it: the difference is what the store keeps.
for (let i = 0; i < N / 3; i++) makeTrace(i)
const beforeSpans = heap()
const remove = sdk.addSpanProcessor(spans)
for (let i = 0; i < N / 3 + 1; i++) makeTrace(i)
const withSpans = heap()
const spanCount = spans.length
for (let i = 0; i < N; i++) makeTrace(i)
const afterWrap = heap()
remove()

// Log lines from the @obs/tracing preset: Fastify's two request lines and one of the app's.
const logs = new LogStore(N)
const logger = createLogger({ serviceName: 'agent', env: {} }, logs)
const lineLengths = []
const sample = { write (line) { lineLengths.push(line.length) } }
const sampleLogger = createLogger({ serviceName: 'agent', env: {} }, sample)
const writeLines = (target, count) => {
  for (let i = 0; i < count; i++) {
    const child = target.child({ reqId: `req-${i}`, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', trace_flags: '01' })
    if (i % 3 === 0) child.info({ req: { method: 'POST', url: '/tasks?wait=true', host: 'localhost:3000', remoteAddress: '127.0.0.1', remotePort: 51234 } }, 'incoming request')
    else if (i % 3 === 1) child.info({ res: { statusCode: 200 }, responseTime: 12.3456 }, 'request completed')
    else child.info({ task: `t-${i}`, model: 'sim-small', tokens: 908 }, 'task completed')
  }
}
writeLines(sampleLogger, 300)
const beforeLogs = heap()
writeLines(logger, N)
const withLogs = heap()
writeLines(logger, N)
const logsAfterWrap = heap()

const meanLine = lineLengths.reduce((a, b) => a + b, 0) / lineLengths.length
console.log(`@obs/console stores, Node ${process.version}, ${N.toLocaleString('en')} entries each, heap after GC:

| store | held | heap | per 1,000 | after ${N.toLocaleString('en')} more (ring full) |
|---|---:|---:|---:|---:|
| spans (3 a trace: server span with 9 attributes, 2 children, an exception event on a third) | ${spanCount.toLocaleString('en')} | ${((withSpans - beforeSpans) / 1048576).toFixed(1)} MiB | ${perThousand(withSpans - beforeSpans)} | ${((afterWrap - beforeSpans) / 1048576).toFixed(1)} MiB |
| log lines (@obs/tracing preset, ${meanLine.toFixed(0)} characters on average) | ${logs.length.toLocaleString('en')} | ${((withLogs - beforeLogs) / 1048576).toFixed(1)} MiB | ${perThousand(withLogs - beforeLogs)} | ${((logsAfterWrap - beforeLogs) / 1048576).toFixed(1)} MiB |
`)
