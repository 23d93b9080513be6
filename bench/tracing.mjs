// @obs/tracing on the request path against bare Fastify and @fastify/otel, at sampling 1.0 and
// 0.1, and the cost of trace ids in log lines against plain pino.
// `node bench/tracing.mjs [rounds]` (after `pnpm build`).
import { fileURLToPath } from 'node:url'
import { loadBench, loadTable } from './harness.mjs'

const server = fileURLToPath(new URL('./servers/tracing.mjs', import.meta.url))
const variant = (name) => ({ name, script: server, args: [name] })

const tracingVariants = [
  'bare',
  '@fastify/otel 1.0',
  '@fastify/otel 0.1',
  '@obs/tracing 1.0',
  '@obs/tracing 0.1',
  'OpenTelemetry floor 0.1',
  'OpenTelemetry floor 0.1, attach()',
  '@obs/tracing 1.0 + HTTP instrumentation (register)'
].map(variant)

const loggingVariants = [
  'pino',
  'pino + @obs/tracing, logCorrelation: false',
  'pino + @obs/tracing (correlated)',
  'preset logger + @obs/tracing (correlated)',
  'preset logger, otlp: false + @obs/tracing (correlated)',
  'preset logger + @obs/tracing + OTLP logs (HTTP/protobuf)'
].map(variant)

const setup = 'Every traced variant runs the same SDK (`initTracing()`: TracerProvider, parent-based ratio ' +
  'sampler, BatchSpanProcessor) into an exporter that counts spans and drops them, so serialization and network ' +
  'are left out; each server first checks that 200 requests exported spans. HTTP instrumentation is off unless ' +
  'the variant says otherwise. "OpenTelemetry floor" is the least a server span costs: context extracted, span started ' +
  'and made current, ended at the response, in two hooks; "attach()" makes it current with the API `context.attach()`, ' +
  'which uses AsyncLocalStorage.withScope() where Node has it, instead of `context.with()`. Logging variants write every line (Fastify\'s request logging) to /dev/null; ' +
  'the preset logger looks the SDK\'s log export up on every line unless made with `otlp: false`; ' +
  'the OTLP logs variant also exports every line as an OTLP log record (batch processor, protobuf over HTTP) to a sink in another process.'

export async function run ({ rounds = 5 } = {}) {
  const tracing = await loadBench({ variants: tracingVariants, baseline: 'bare', path: '/users/42', rounds })
  const logging = await loadBench({ variants: loggingVariants, baseline: 'pino', path: '/users/42', rounds })
  return `${setup}\n\n### Tracing (GET /users/:id, 50 connections, ${rounds} rounds)\n\n${loadTable(tracing)}\n\n` +
    `### Correlated logging (ratio and added CPU against plain pino)\n\n${loadTable(logging).replace('ratio to bare', 'ratio to pino')}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ rounds: Number(process.argv[2] ?? 5) }))
}
