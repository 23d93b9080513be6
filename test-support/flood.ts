import { Agent, request } from 'node:http'

/**
 * Sends `count` requests over keep-alive sockets, `concurrency` at a time, to the paths that
 * `pathFor(i)` gives. Resolves with the number of responses by status code.
 */
export async function flood (port: number, count: number, pathFor: (i: number) => string, concurrency = 32): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const statuses = new Map<number, number>()
  let next = 0
  const one = (path: string): Promise<void> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1)
      res.resume()
      res.on('end', resolve)
    })
    req.on('error', reject)
    req.end()
  })
  const worker = async (): Promise<void> => {
    while (next < count) await one(pathFor(next++))
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker))
  } finally {
    agent.destroy()
  }
  return statuses
}
