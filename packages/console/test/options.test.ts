import Fastify from 'fastify'
import { test } from 'tap'
import obsConsole, { LogStore, defaults, type ConsolePluginOptions } from '../src/index.js'

async function register (options: unknown): Promise<unknown> {
  const app = Fastify()
  try {
    await app.register(obsConsole, options as ConsolePluginOptions)
    await app.ready()
    return undefined
  } catch (error) {
    return error
  } finally {
    await app.close()
  }
}

test('bad options make register reject with OBS_CONSOLE_INVALID_OPTION, naming the option', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{ prefix: 'obs' }, 'prefix'],
    [{ prefix: '/obs?x' }, 'prefix'],
    [{ alertsPath: 'alerts' }, 'alertsPath'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ auth: 'secret' }, 'auth'],
    [{ auth: { bearerToken: '' } }, 'auth'],
    [{ logs: { write () {} } }, 'logs'],
    [{ maxSpans: 0 }, 'maxSpans'],
    [{ maxSpans: 1.5 }, 'maxSpans'],
    [{ intervalMs: 10 }, 'intervalMs'],
    [{ historySeconds: 5 }, 'historySeconds'],
    [{ intervalMs: 10_000, historySeconds: 10 }, 'historySeconds'],
    [{ healthIntervalMs: 'often' }, 'healthIntervalMs'],
    [{ env: 'production' }, 'env']
  ]
  for (const [options, name] of cases) {
    const error = await register(options) as { code?: string, message?: string }
    t.equal(error?.code, 'OBS_CONSOLE_INVALID_OPTION', JSON.stringify(options))
    t.match(error?.message, `"${name}"`)
  }
})

test('an unknown option key is refused, naming the nearest known one', async (t) => {
  const error = await register({ prefx: '/obs/' }) as { code?: string, message?: string }
  t.equal(error?.code, 'OBS_CONSOLE_INVALID_OPTION')
  t.match(error?.message, /"prefx": unknown option; did you mean "prefix"\?/)
  const far = await register({ colour: 'blue' }) as { code?: string, message?: string }
  t.match(far?.message, /"colour": unknown option; the options are prefix, enabled/, 'nothing near: the known ones listed')
})

test('Fastify\'s own register options (logLevel, logSerializers) were refused as unknown: now they pass', async (t) => {
  t.equal(await register({ logLevel: 'warn', logSerializers: {}, env: {} }), undefined)
})

test('registering @obs/console twice failed on a decorator name: now OBS_CONSOLE_ALREADY_REGISTERED', async (t) => {
  for (const enabled of [true, false]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(obsConsole, { enabled })
    await t.rejects(async () => { await app.register(obsConsole, { enabled }) }, { code: 'OBS_CONSOLE_ALREADY_REGISTERED', message: /@obs\/console is already registered/ }, `enabled: ${enabled}`)
  }
})

test('defaults: served under /obs/, and /obs redirects there', async (t) => {
  t.equal(defaults.prefix, '/obs/')
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { env: {} })
  t.equal(app.obsConsole.prefix, '/obs/')
  t.equal(app.obsConsole.enabled, true)
  t.equal((await app.inject('/obs/')).statusCode, 200)
  const redirect = await app.inject('/obs')
  t.equal(redirect.statusCode, 302)
  t.equal(redirect.headers.location, '/obs/')
})

test('a prefix without its trailing slash gets one', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { prefix: '/ops/console', env: {} })
  t.equal(app.obsConsole.prefix, '/ops/console/')
  t.equal((await app.inject('/ops/console/traces')).statusCode, 200)
  t.equal((await app.inject('/obs/')).statusCode, 404)
})

test('off by default when NODE_ENV=production: no route at all', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { env: { NODE_ENV: 'production' } })
  t.equal(app.obsConsole.enabled, false)
  for (const url of ['/obs/', '/obs/traces', '/obs/api/traces', '/obs/assets/common.js']) {
    t.equal((await app.inject(url)).statusCode, 404, url)
  }
})

test('enabled: true serves it in production too', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(obsConsole, { enabled: true, env: { NODE_ENV: 'production' } })
  t.equal(app.obsConsole.enabled, true)
  t.equal((await app.inject('/obs/')).statusCode, 200)
})

test('registrable in two Fastify instances of one process, each with its own state', async (t) => {
  const one = Fastify()
  const two = Fastify()
  t.teardown(async () => { await one.close(); await two.close() })
  const logsOne = new LogStore(10)
  const logsTwo = new LogStore(10)
  await one.register(obsConsole, { logs: logsOne, env: {} })
  await two.register(obsConsole, { logs: logsTwo, prefix: '/console/', env: {} })
  logsOne.write('{"level":30,"msg":"from one"}\n')
  logsTwo.write('{"level":30,"msg":"from two"}\n')
  const a = (await one.inject('/obs/api/logs')).json()
  const b = (await two.inject('/console/api/logs')).json()
  t.same(a.lines.map((l: { msg: string }) => l.msg), ['from one'])
  t.same(b.lines.map((l: { msg: string }) => l.msg), ['from two'])
  t.equal(one.obsConsole.logs, logsOne)
  t.equal(two.obsConsole.logs, logsTwo)
})
