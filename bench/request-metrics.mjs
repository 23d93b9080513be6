// @obs/metrics on the request path and at scrape time, against bare Fastify, fastify-metrics and
// a plain @prometheus-io/client hook. `node bench/request-metrics.mjs [rounds]` (after `pnpm build`).
import { fileURLToPath } from 'node:url'
import { loadBench, loadTable, pinSelf } from './harness.mjs'
import { scrapeBench, scrapeTable } from './scrape.mjs'

const server = fileURLToPath(new URL('./servers/request-metrics.mjs', import.meta.url))
const variants = ['bare', '@obs/metrics', '@obs/metrics inFlight:false', 'fastify-metrics', '@prometheus-io/client onResponse hook'].map((name) => ({ name, script: server, args: [name] }))

export async function run ({ rounds = 5 } = {}) {
  const load = await loadBench({ variants, baseline: 'bare', path: '/users/42', rounds })
  pinSelf(0)
  const scrape = await scrapeBench()
  return `### Request path (GET /users/:id, 50 connections, ${rounds} rounds)\n\n${loadTable(load)}\n\n### Scrape\n\n${scrapeTable(scrape)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run({ rounds: Number(process.argv[2] ?? 5) }))
}
