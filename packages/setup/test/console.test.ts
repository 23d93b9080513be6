import { test, type Test } from 'tap'
import Fastify from 'fastify'
import { cp, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
// Its decorator's type: app.obsConsole.
import type {} from '@obs/console'

type SetupModule = typeof import('../src/index.js')

const SETUP = fileURLToPath(new URL('..', import.meta.url))

/**
 * @obs/setup as an app that does not install @obs/console has it: its build and package.json in
 * a node_modules of its own, beside its dependencies as they are installed here, and no console.
 */
async function setupWithoutConsole (t: Test): Promise<SetupModule> {
  const root = await mkdtemp(join(tmpdir(), 'obs-setup-no-console-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const modules = join(root, 'node_modules')
  await cp(join(SETUP, 'dist'), join(modules, '@obs/setup/dist'), { recursive: true })
  await cp(join(SETUP, 'package.json'), join(modules, '@obs/setup/package.json'))
  for (const dependency of ['@obs/core', '@obs/metrics', '@obs/health', '@obs/tracing', '@obs/alerts', '@fastify/error', 'fastify-plugin', 'fastify', '@opentelemetry/api']) {
    await mkdir(dirname(join(modules, dependency)), { recursive: true })
    await symlink(await realpath(join(SETUP, 'node_modules', dependency)), join(modules, dependency), 'dir')
  }
  return await import(pathToFileURL(join(modules, '@obs/setup/dist/index.js')).href) as SetupModule
}

function logged (): { lines: Array<{ level: number, msg: string }>, logger: { level: string, stream: Writable } } {
  const lines: Array<{ level: number, msg: string }> = []
  const stream = new Writable({ write (chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done() } })
  return { lines, logger: { level: 'debug', stream } }
}

test('without @obs/console installed, everything else is registered and the console is skipped, said at debug', async (t) => {
  const { default: setup } = await setupWithoutConsole(t)
  const { lines, logger } = logged()
  const app = Fastify({ logger })
  await app.register(setup, { serviceName: 'checkout', tracingSdk: false })
  t.teardown(() => app.close())
  await app.ready()
  t.same(app.obsSetup.registered, ['metrics', 'tracing', 'health', 'alerts'])
  t.same(app.obsSetup.skipped, { console: 'not installed' })
  t.equal((await app.inject('/obs/')).statusCode, 404)
  t.match(lines.find((line) => line.msg.includes('@obs/console is not installed')), { level: 20 }, 'debug')
})

test('without @obs/console installed, console options are not an error: said at info', async (t) => {
  const { default: setup } = await setupWithoutConsole(t)
  const { lines, logger } = logged()
  const app = Fastify({ logger })
  await app.register(setup, { serviceName: 'checkout', tracingSdk: false, console: { prefix: '/ops/' } })
  t.teardown(() => app.close())
  await app.ready()
  t.same(app.obsSetup.skipped, { console: 'not installed' })
  t.match(lines.find((line) => line.msg.includes('@obs/console is not installed')), { level: 30 }, 'info')
})

test('with @obs/console installed (as in this workspace), it is registered last, where @obs/alerts serves its routes', async (t) => {
  const { default: setup } = await import('../src/index.js')
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', tracingSdk: false, alerts: { path: '/ops/alerts' }, console: { enabled: true } })
  t.teardown(() => app.close())
  await app.ready()
  t.same(app.obsSetup.registered, ['metrics', 'tracing', 'health', 'alerts', 'console'])
  const page = await app.inject('/obs/')
  t.equal(page.statusCode, 200)
  t.match(page.body, 'data-alerts-path="/ops/alerts"', 'it acknowledges alerts where @obs/alerts serves them')
  t.equal(app.obsConsole.prefix, '/obs/')
})

test('the console\'s own options go through, and it checks them itself', async (t) => {
  const { default: setup } = await import('../src/index.js')
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', tracingSdk: false, console: { prefix: '/ops/', alertsPath: '/elsewhere' } })
  t.teardown(() => app.close())
  await app.ready()
  t.equal(app.obsConsole.prefix, '/ops/')
  t.match((await app.inject('/ops/')).body, 'data-alerts-path="/elsewhere"', 'an alertsPath given wins')
  const bad = Fastify()
  t.teardown(() => bad.close())
  await t.rejects(async () => { await bad.register(setup, { serviceName: 'checkout', tracingSdk: false, console: { prefixx: '/ops/' } }) }, { code: 'OBS_CONSOLE_INVALID_OPTION' })
})

test('console: false leaves it out, installed or not', async (t) => {
  const { default: setup } = await import('../src/index.js')
  const app = Fastify()
  await app.register(setup, { serviceName: 'checkout', tracingSdk: false, console: false })
  t.teardown(() => app.close())
  await app.ready()
  t.same(app.obsSetup.skipped, { console: 'off' })
})
