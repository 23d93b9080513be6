// The request-path cost of @obs/console with no page open: the @obs suite (as the demo registers
// it) with and without the console, without logging and with JSON logs to /dev/null (the console's
// log store beside them). Target: the console's variants within noise of the suite's.
// `node bench/console.mjs [rounds]` (after `pnpm build`).
import { fileURLToPath } from 'node:url'
import { loadBench, loadTable } from './harness.mjs'

const server = fileURLToPath(new URL('./servers/console.mjs', import.meta.url))
const names = ['bare', '@obs suite', '@obs suite + console', '@obs suite, logged', '@obs suite + console, logged']
const variants = names.map((name) => ({ name, script: server, args: [name] }))

export async function run ({ rounds = 5 } = {}) {
  const rows = await loadBench({ variants, baseline: 'bare', path: '/users/42', rounds })
  const cpu = Object.fromEntries(rows.map((row) => [row.name, row.cpuPerRequest]))
  const added = (a, b) => `${(cpu[a] - cpu[b]) >= 0 ? '+' : ''}${(cpu[a] - cpu[b]).toFixed(2)}`
  return 'Every variant but bare runs the four @obs plugins as apps/agent registers them, tracing at sampling 0.1 ' +
    'into an exporter that drops spans. No console page is open. "logged" variants write one line per request ' +
    'plus Fastify\'s two through the @obs/tracing preset to /dev/null (and, with the console, into its log store).\n\n' +
    `### Request path (GET /users/:id, 50 connections, ${rounds} rounds)\n\n${loadTable(rows)}\n\n` +
    `The console adds ${added('@obs suite + console', '@obs suite')} µs CPU per request without logging, ` +
    `${added('@obs suite + console, logged', '@obs suite, logged')} µs with it (best rounds).\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ rounds: Number(process.argv[2] ?? 5) }))
}
