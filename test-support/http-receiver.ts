import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http'
import { freePort } from './free-port.js'
import { listenOn } from './listen.js'
import { waitFor } from './wait-for.js'

export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** The raw body. */
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown
}

export interface ReceiverReply {
  status?: number
  headers?: Record<string, string>
  body?: string
}

export interface ReceiverOptions {
  /** Answers each request (default 200 with an empty body); can be changed later with `respond`. */
  respond?: (request: ReceivedRequest) => ReceiverReply | Promise<ReceiverReply>
  /** Start without listening (an endpoint that is down); `up()` starts it on its port. */
  down?: boolean
}

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>`: the same while the receiver goes down and up. */
  readonly url: string
  readonly port: number
  /** Every request answered with a 2xx status. */
  readonly received: ReceivedRequest[]
  /** Every request, whatever the answer. */
  readonly all: ReceivedRequest[]
  respond (fn: (request: ReceivedRequest) => ReceiverReply | Promise<ReceiverReply>): void
  /** Waits until `count` requests have been received (2xx) and returns them. */
  waitForReceived (count: number, timeoutMs?: number): Promise<ReceivedRequest[]>
  /** Stops listening (connections are refused) until `up()`. */
  down (): Promise<void>
  up (): Promise<void>
  close (): Promise<void>
}

async function read (req: IncomingMessage): Promise<ReceivedRequest> {
  // Decoded once, whole: a multi-byte character can be split between two chunks.
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {}
  return { method: req.method ?? '', url: req.url ?? '', headers: req.headers, text, json }
}

/**
 * An HTTP endpoint on 127.0.0.1 that records what it receives: a webhook, Slack or
 * Alertmanager receiver for tests. It can go down (connection refused) and come back on the
 * same port, to test retries.
 */
export async function startReceiver (options: ReceiverOptions = {}): Promise<HttpReceiver> {
  const port = await freePort()
  const received: ReceivedRequest[] = []
  const all: ReceivedRequest[] = []
  let respond: (request: ReceivedRequest) => ReceiverReply | Promise<ReceiverReply> = options.respond ?? (() => ({ status: 200 }))
  let server: Server | undefined

  const up = async (): Promise<void> => {
    if (server !== undefined) return
    const s = createServer((req, res) => {
      read(req).then(async (request) => {
        all.push(request)
        const reply = await respond(request)
        const status = reply.status ?? 200
        if (status >= 200 && status < 300) received.push(request)
        res.writeHead(status, reply.headers ?? {}).end(reply.body ?? '')
      }).catch((error: unknown) => {
        res.writeHead(500).end(String(error))
      })
    })
    server = s
    await listenOn(s, port)
  }
  const down = async (): Promise<void> => {
    const s = server
    if (s === undefined) return
    server = undefined
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
  if (options.down !== true) await up()

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    all,
    respond: (fn) => { respond = fn },
    waitForReceived: (count, timeoutMs = 30_000) =>
      waitFor(`${count} requests received (have ${received.length})`, async () => received.length >= count ? received.slice(0, count) : undefined, timeoutMs, 20),
    down,
    up,
    close: down
  }
}
