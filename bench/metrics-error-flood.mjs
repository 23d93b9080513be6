// @obs/metrics under a flood of distinct error types: the series count and the heap it keeps.
// Every error type over the cap on label sets (maxLabelSets, 2000 by default) must land in the
// overflow series and leave nothing behind. The measurement runs in a child started with
// --expose-gc, so that the heap is read after a full collection.
// `node bench/metrics-error-flood.mjs [types]` (after `pnpm build`).
import { execFileSync } from 'node:child_process'
import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'

const self = fileURLToPath(import.meta.url)

async function measure (types) {
  const { default: Fastify } = await import('fastify')
  const { default: metrics } = await import('@obs/metrics')
  const app = Fastify({ logger: false })
  await app.register(metrics, { processMetrics: false })
  app.get('/boom/:code', async (request) => { throw Object.assign(new Error('boom'), { code: request.params.code }) })
  const { agent } = app.metrics
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address()

  // Over a socket, as a flood would come: app.inject() keeps about 9 kB per distinct URL on bare
  // Fastify too, which would be measured instead.
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 })
  const get = (path) => new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: keepAlive }, (res) => { res.resume(); res.on('end', resolve) }).on('error', reject).end()
  })
  const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed }
  const flood = async (from, to) => {
    let next = from
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < to) {
        const i = next++
        await get(`/boom/E${i}`)
        agent.recordLlmCall({ model: 'm', durationSeconds: 0.1, error: { code: `E${i}` } })
      }
    }))
  }
  // Fill every family up to its cap and a little past it, so that the flood only adds overflow.
  await flood(0, 2500)
  const before = heap()
  await flood(2500, 2500 + types)
  const after = heap()
  keepAlive.destroy()
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  const series = (name) => body.split('\n').filter((line) => line.startsWith(`${name}{`)).length
  await app.close()
  return {
    types,
    heapBeforeMiB: before / 2 ** 20,
    heapAfterMiB: after / 2 ** 20,
    requestErrorSeries: series('http_request_errors_total'),
    llmErrorSeries: series('agent_llm_errors_total')
  }
}

export async function run ({ types = 20_000 } = {}) {
  const out = execFileSync(process.execPath, ['--expose-gc', self, 'child', String(types)], { encoding: 'utf8' })
  const r = JSON.parse(out.trim().split('\n').at(-1))
  const delta = r.heapAfterMiB - r.heapBeforeMiB
  return '### Heap under a flood of distinct error types\n\n' +
    `2,500 distinct error types first (past the cap of 2,000 label sets), then ${r.types.toLocaleString('en')} more, each once ` +
    'as a request error over a socket (`http_request_errors_total`) and as a model-call error (`agent_llm_errors_total`); heap after a full GC.\n\n' +
    '| new error types | heap before MiB | heap after MiB | growth MiB | request error series | model-call error series |\n|---:|---:|---:|---:|---:|---:|\n' +
    `| ${r.types} | ${r.heapBeforeMiB.toFixed(2)} | ${r.heapAfterMiB.toFixed(2)} | ${delta.toFixed(2)} | ${r.requestErrorSeries} | ${r.llmErrorSeries} |\n`
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(await measure(Number(process.argv[3]))))
} else if (process.argv[1] === self) {
  console.log(await run({ types: Number(process.argv[2] ?? 20_000) }))
}
