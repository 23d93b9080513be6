import Fastify, { type FastifyInstance } from 'fastify'
import { gunzipSync } from 'node:zlib'
import { test } from 'tap'
import obsConsole from '../src/index.js'
import { VIEWS } from '../src/routes/views.js'

/** Bytes on the wire for one URL, gzipped as a browser asks for it. */
async function transferred (app: FastifyInstance, url: string): Promise<{ bytes: number, body: string }> {
  const response = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } })
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`)
  const gzipped = response.headers['content-encoding'] === 'gzip'
  return { bytes: response.rawPayload.length, body: gzipped ? gunzipSync(response.rawPayload).toString() : response.body }
}

/**
 * The page weight of each view: its HTML, the files it links, and the modules they import, as
 * served (compressed). The budget is 150 KB per page.
 */
test('every view weighs under 150 KB compressed, everything it loads included', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { env: {} })
  for (const view of VIEWS) {
    const url = `/obs/${view.path}`
    const html = await transferred(app, url)
    let total = html.bytes
    const seen = new Set<string>()
    const queue = [...html.body.matchAll(/(?:src|href)="(\/obs\/assets\/[^"]+)"/g)].map((m) => m[1]!)
    while (queue.length > 0) {
      const asset = queue.shift()!
      if (seen.has(asset)) continue
      seen.add(asset)
      const file = await transferred(app, asset)
      total += file.bytes
      // Static imports of the modules, relative to the assets folder.
      for (const [, name] of file.body.matchAll(/ from '\.\/([\w.-]+)'/g)) queue.push(`/obs/assets/${name}`)
    }
    t.ok(seen.has(`/obs/assets/${view.id}.js`) && seen.has('/obs/assets/common.js'), `${view.id}: its modules were followed`)
    t.ok(total < 150 * 1024, `${view.id}: ${(total / 1024).toFixed(1)} KB compressed, ${seen.size} files`)
    t.comment(`${view.title}: ${(total / 1024).toFixed(1)} KB compressed (${[...seen].join(', ')})`)
  }
})
