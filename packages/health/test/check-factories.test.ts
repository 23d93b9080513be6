import { test } from 'tap'
import { createServer } from 'node:net'
import { freePort } from '../../../test-support/free-port.js'
import { httpCheck, pingCheck, queueDepthCheck, tcpCheck } from '../src/index.js'
import { buildApp, startDependency } from './helpers.js'

test('httpCheck: pass on 2xx, fail on 5xx, on a refused connection and on a hang, without leaking credentials', async (t) => {
  const dependency = await startDependency(200)
  t.teardown(() => dependency.close())
  const closed = await freePort()
  const app = await buildApp({ checkTimeoutMs: 200 })
  const withCredentials = new URL(dependency.url)
  withCredentials.username = 'admin'
  withCredentials.password = 'hunter2'
  app.health.addCheck({ name: 'up', check: httpCheck(withCredentials), critical: false })
  app.health.addCheck({ name: 'refused', check: httpCheck(`http://127.0.0.1:${closed}/`), critical: false })
  await app.ready()

  let body = (await app.inject('/health/ready')).json()
  t.equal(body.checks.up.status, 'pass')
  t.same(body.checks.up.details, { url: `http://127.0.0.1:${dependency.port}/health`, statusCode: 200 })
  t.notMatch(JSON.stringify(body), /hunter2|admin/)
  t.equal(dependency.lastAuthorization, `Basic ${Buffer.from('admin:hunter2').toString('base64')}`, 'credentials go as Basic auth')
  t.equal(body.checks.refused.status, 'fail')
  t.match(body.checks.refused.error, /ECONNREFUSED/)

  dependency.respond(503)
  body = (await app.inject('/health/ready')).json()
  t.equal(body.checks.up.status, 'fail')
  t.equal(body.checks.up.details.statusCode, 503)

  dependency.respond(200, 5000)
  body = (await app.inject('/health/ready')).json()
  t.equal(body.checks.up.error, 'timed out after 200 ms')
  await app.close()
})

test('httpCheck: expected statuses can be listed or decided', async (t) => {
  const dependency = await startDependency(401)
  t.teardown(() => dependency.close())
  const app = await buildApp()
  app.health.addCheck({ name: 'listed', check: httpCheck(dependency.url, { expectStatus: [200, 401] }) })
  app.health.addCheck({ name: 'decided', check: httpCheck(dependency.url, { expectStatus: (status) => status === 401 }) })
  await app.ready()
  t.equal((await app.inject('/health/ready')).json().status, 'healthy')
  await app.close()
})

test('tcpCheck: pass on an open port, fail on a closed one', async (t) => {
  const server = createServer((socket) => socket.end())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as { port: number }
  const closed = await freePort()
  const app = await buildApp()
  app.health.addCheck({ name: 'open', check: tcpCheck('127.0.0.1', port), critical: false })
  app.health.addCheck({ name: 'closed', check: tcpCheck('127.0.0.1', closed), critical: false })
  await app.ready()
  const { checks } = (await app.inject('/health/ready')).json()
  t.equal(checks.open.status, 'pass')
  t.equal(checks.closed.status, 'fail')
  t.match(checks.closed.error, /ECONNREFUSED/)
  await app.close()
})

test('pingCheck: a client call that resolves passes, one that rejects or returns false fails', async (t) => {
  const app = await buildApp()
  const client = { ok: async () => 'PONG', down: async () => { throw new Error('connection lost') }, no: async () => false }
  app.health.addCheck({ name: 'redis', check: pingCheck(() => client.ok()), critical: false })
  app.health.addCheck({ name: 'postgres', check: pingCheck(() => client.down()), critical: false })
  app.health.addCheck({ name: 'mongo', check: pingCheck(() => client.no()), critical: false })
  await app.ready()
  const { checks } = (await app.inject('/health/ready')).json()
  t.equal(checks.redis.status, 'pass')
  t.equal(checks.postgres.error, 'Error: connection lost')
  t.equal(checks.mongo.status, 'fail')
  await app.close()
})

test('queueDepthCheck: pass, warn from warnAt (degraded), fail from failAt; a broken reading fails', async (t) => {
  let depth = 3
  const app = await buildApp()
  app.health.addCheck({ name: 'tasks', check: queueDepthCheck({ depth: () => depth, warnAt: 100, failAt: 1000 }) })
  await app.ready()
  const probe = async (): Promise<[number, string, number]> => {
    const response = await app.inject('/health/ready')
    return [response.statusCode, response.json().checks.tasks.status, response.json().checks.tasks.details.depth]
  }
  t.same(await probe(), [200, 'pass', 3])
  depth = 150
  t.same(await probe(), [200, 'warn', 150])
  depth = 5000
  t.same(await probe(), [503, 'fail', 5000])
  depth = NaN
  t.equal((await app.inject('/health/ready')).statusCode, 503)
  const ietf = (await app.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })).json()
  t.ok(ietf.checks['tasks:depth'])
  await app.close()
})
