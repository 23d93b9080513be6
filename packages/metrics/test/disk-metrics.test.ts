import { test } from 'tap'
import { statfsSync } from 'node:fs'
import { mkdtemp, rm, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkMetrics } from '../../../test-support/promtool.js'
import { buildApp, scrape, scrapeSamples } from './helpers.js'

const series = (name: string, path: string): string => `${name}{path=${JSON.stringify(path)}}`

test('diskPaths: size, free and used space of each path\'s filesystem, as statfs reads them', async (t) => {
  const root = tmpdir()
  const app = await buildApp({ diskPaths: [root, '/'] })
  t.teardown(() => app.close())
  const s = await scrapeSamples(app)
  for (const path of [root, '/']) {
    const fs = statfsSync(path)
    const size = fs.blocks * fs.bsize
    t.equal(s.get(series('disk_size_bytes', path)), size, `size of ${path}`)
    // Other processes write too: free and used are what statfs says, within 1% of the size.
    t.ok(Math.abs(s.get(series('disk_free_bytes', path))! - fs.bavail * fs.bsize) < size / 100, `free space of ${path}`)
    t.ok(Math.abs(s.get(series('disk_used_bytes', path))! - (fs.blocks - fs.bfree) * fs.bsize) < size / 100, `used space of ${path}`)
  }
  const text = await scrape(app)
  t.match(text, '# HELP disk_free_bytes Space the process may still use on the filesystem that holds a path (blocks reserved for root excluded), in bytes.\n# TYPE disk_free_bytes gauge\n')
  const promtool = await checkMetrics(text)
  t.equal(promtool.code, 0, promtool.stdout + promtool.stderr)
})

test('read at scrape time: a path that goes away has no series, and has them again when it is back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'obs-disk-'))
  const app = await buildApp({ diskPaths: [dir], prefix: 'agent_' })
  t.teardown(async () => { await app.close(); await rm(dir, { recursive: true, force: true }) })
  t.ok((await scrapeSamples(app)).has(series('agent_disk_size_bytes', dir)), 'with the prefix')
  await rm(dir, { recursive: true })
  const gone = await scrapeSamples(app)
  t.same([...gone.keys()].filter((key) => key.startsWith('agent_disk_')), [], 'no stale value')
  await mkdir(dir)
  t.ok((await scrapeSamples(app)).has(series('agent_disk_used_bytes', dir)))
})

test('no disk metrics unless asked; paths that are not absolute, or that statfs cannot read, are refused at registration', async (t) => {
  const app = await buildApp()
  t.teardown(() => app.close())
  t.notMatch(await scrape(app), /disk_/)
  for (const [diskPaths, message] of [
    ['/', /expected an array of absolute paths/],
    [['data'], /expected an array of absolute paths/],
    [[42], /expected an array of absolute paths/],
    [['/no/such/path/obs'], /statfs cannot read \/no\/such\/path\/obs: ENOENT/]
  ] as const) {
    await t.rejects(buildApp({ diskPaths: diskPaths as unknown as string[] }), { code: 'OBS_METRICS_INVALID_OPTION', message }, JSON.stringify(diskPaths))
  }
  await t.rejects(buildApp({ diskPaths: ['/'], defaultLabels: { path: 'x' } }), { code: 'OBS_METRICS_RESERVED_LABEL' }, 'path is the series label')
})
