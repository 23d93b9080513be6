import Fastify, { type FastifyInstance } from 'fastify'
import { createServer, type Server } from 'node:http'
import health, { type HealthPluginOptions } from '../src/index.js'

/** A Fastify app with @obs/health; pressure off unless asked, so that a busy test machine cannot fail readiness. */
export async function buildApp (options: HealthPluginOptions = {}): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(health, { pressure: false, ...options })
  return app
}

export interface Dependency {
  url: string
  port: number
  /** Requests received so far. */
  calls: number
  /** The Authorization header of the last request. */
  lastAuthorization: string | undefined
  /** Change how the next requests are answered. */
  respond: (status: number, delayMs?: number) => void
  close: () => Promise<void>
}

/** A real HTTP dependency on 127.0.0.1 that counts its calls and answers slowly when asked. */
export async function startDependency (status = 200, delayMs = 0): Promise<Dependency> {
  let answer = { status, delayMs }
  const dependency = { calls: 0 } as Dependency
  const server: Server = createServer((request, response) => {
    dependency.calls++
    dependency.lastAuthorization = request.headers.authorization
    setTimeout(() => { response.writeHead(answer.status).end('dependency') }, answer.delayMs)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return Object.assign(dependency, {
    port,
    url: `http://127.0.0.1:${port}/health`,
    respond: (next: number, nextDelayMs = 0) => { answer = { status: next, delayMs: nextDelayMs } },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  })
}
