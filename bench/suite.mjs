// The whole suite on the request path: bare Fastify, the four @obs plugins registered as the
// demo registers them (tracing sampling 0.1), and the peers a user would pick instead
// (fastify-metrics, @fastify/otel at 0.1, @fastify/under-pressure). Target: the suite at 0.8x
// bare or better. `node bench/suite.mjs [rounds]` (after `pnpm build`).
import { fileURLToPath } from 'node:url'
import { loadBench, loadTable } from './harness.mjs'

const server = fileURLToPath(new URL('./servers/suite.mjs', import.meta.url))
const variants = ['bare', '@obs suite', 'fastify-metrics + @fastify/otel + under-pressure'].map((name) => ({ name, script: server, args: [name] }))

export async function run ({ rounds = 5 } = {}) {
  const rows = await loadBench({ variants, baseline: 'bare', path: '/users/42', rounds })
  return 'Logging is off in every variant; both traced variants run the same OpenTelemetry SDK at sampling 0.1 ' +
    'into an exporter that drops spans.\n\n' +
    `### Request path (GET /users/:id, 50 connections, ${rounds} rounds)\n\n${loadTable(rows)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ rounds: Number(process.argv[2] ?? 5) }))
}
