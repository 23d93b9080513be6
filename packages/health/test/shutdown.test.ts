import { test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { buildApp } from './helpers.js'

interface Outcome { status?: number, error?: string }

/** One request on a keep-alive agent; never rejects. */
function get (agent: Agent, port: number, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode! }))
      res.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }))
    })
    req.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }))
    req.end()
  })
}

test('under steady load through a shutdown, no accepted request fails', async (t) => {
  const app = await buildApp({ shutdown: { drainDelayMs: 600 } })
  let accepted = 0
  let succeeded = 0
  app.get('/work', {
    onRequest: async () => { accepted++ },
    onResponse: async (_request, reply) => { if (reply.statusCode === 200) succeeded++ }
  }, async () => {
    await sleep(5 + Math.random() * 20)
    return { done: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }

  // Steady load: 16 keep-alive clients, each sending its next request as soon as one ends,
  // until the server no longer accepts connections.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  const outcomes: Outcome[] = []
  const load = { stop: false }
  const client = async (): Promise<void> => {
    while (!load.stop) {
      const outcome = await get(agent, port, '/work')
      outcomes.push(outcome)
      if (outcome.error === 'ECONNREFUSED') return
    }
  }
  const clients = Array.from({ length: 16 }, client)

  await sleep(300)
  const probesDuringDrain: Array<[number | undefined, number | undefined]> = []
  const closed = app.health.shutdown()
  const probeAgent = new Agent({ keepAlive: false })
  t.equal(app.health.draining, true, 'draining starts at once')
  for (let i = 0; i < 4; i++) {
    const [ready, live] = await Promise.all([get(probeAgent, port, '/health/ready'), get(probeAgent, port, '/health/live')])
    probesDuringDrain.push([ready.status, live.status])
    await sleep(100)
  }
  await closed
  // Keep the clients going a little after the close, so they meet the closed port.
  await sleep(100)
  load.stop = true
  await Promise.all(clients)
  agent.destroy()

  t.same(probesDuringDrain, Array(4).fill([503, 200]), 'readiness 503 and liveness 200 throughout the drain')
  const ok = outcomes.filter((o) => o.status === 200).length
  const served = outcomes.filter((o) => o.status !== undefined && o.status !== 200)
  t.ok(accepted > 100, `steady load: ${accepted} requests accepted`)
  t.same(served, [], 'no response other than 200')
  t.equal(succeeded, accepted, 'every accepted request was answered 200')
  t.equal(ok, accepted, 'and every one of those answers reached its client')
  // What remains are connections the server never read a request from: refused once it stopped
  // accepting, or reset while still in the kernel's accept queue. The equalities above prove
  // that none of them was an accepted request.
  const errors = new Set(outcomes.filter((o) => o.error !== undefined).map((o) => o.error))
  t.ok([...errors].every((code) => code === 'ECONNREFUSED' || code === 'ECONNRESET'), `only connection-level errors: ${[...errors].join(', ')}`)
})

test('while draining, responses ask keep-alive clients to reconnect; before, they do not', async (t) => {
  const app = await buildApp({ shutdown: { drainDelayMs: 300 } })
  app.get('/work', async () => 'done')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const agent = new Agent({ keepAlive: true })
  const connectionHeader = (): Promise<string | undefined> => new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/work', agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.headers.connection))
    }).on('error', reject).end()
  })
  t.equal(await connectionHeader(), 'keep-alive')
  const closed = app.health.shutdown()
  t.equal(await connectionHeader(), 'close')
  await closed
  agent.destroy()
})

test('in-flight requests finish before the server closes', async (t) => {
  const app = await buildApp({ shutdown: { drainDelayMs: 0 } })
  app.get('/slow', async () => { await sleep(300); return 'finished' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const pending = fetch(`http://127.0.0.1:${port}/slow`).then(async (response) => [response.status, await response.text()])
  await sleep(50)
  await app.health.shutdown()
  t.same(await pending, [200, 'finished'])
})

test('app.close() called directly also fails readiness while closing', async (t) => {
  const app = await buildApp()
  let duringClose: string | undefined
  app.addHook('preClose', async () => { duringClose = (await app.health.probe('ready')).reason })
  await app.ready()
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  await app.close()
  t.equal(duringClose, 'shutting down')
  t.equal(app.health.draining, true)
})

test('shutdown() twice is one shutdown', async (t) => {
  const app = await buildApp({ shutdown: { drainDelayMs: 10 } })
  await app.ready()
  const first = app.health.shutdown()
  t.equal(app.health.shutdown(), first)
  await first
})

test('SIGTERM drains, closes and exits 0 when the handler is enabled', async (t) => {
  const script = fileURLToPath(new URL('./fixtures/sigterm-app.ts', import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  const port = await new Promise<number>((resolve) => {
    child.stdout.on('data', () => {
      const match = /listening on (\d+)/.exec(output)
      if (match !== null) resolve(Number(match[1]))
    })
  })
  t.equal((await fetch(`http://127.0.0.1:${port}/health/ready`)).status, 200)
  child.kill('SIGTERM')
  await sleep(100)
  t.equal((await fetch(`http://127.0.0.1:${port}/health/ready`)).status, 503, 'draining after SIGTERM')
  t.equal((await fetch(`http://127.0.0.1:${port}/health/live`)).status, 200)
  const [code] = await once(child, 'exit')
  t.equal(code, 0, output)
  t.match(output, /closed after draining/)
})
