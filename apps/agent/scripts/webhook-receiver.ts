// A webhook receiver for Alertmanager (and the service's own webhook notifier): prints every
// notification as a JSON line and lists the latest on GET /alerts.
//   PORT=9099 node apps/agent/dist/scripts/webhook-receiver.js
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'

export interface Received {
  at: string
  path: string
  body: unknown
}

/** Starts the receiver; `received` holds the latest 1000 notifications. */
export function startWebhookReceiver (port: number, host = '0.0.0.0', print = true): Promise<{ server: Server, received: Received[] }> {
  const received: Received[] = []
  const server = createServer((request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received))
      return
    }
    let text = ''
    request.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => {
      let body: unknown = text
      try { body = JSON.parse(text) } catch {}
      const entry = { at: new Date().toISOString(), path: request.url ?? '/', body }
      received.push(entry)
      if (received.length > 1000) received.shift()
      if (print) console.log(JSON.stringify(entry))
      response.writeHead(200).end()
    })
  })
  return new Promise((resolve) => server.listen(port, host, () => resolve({ server, received })))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 9099)
  await startWebhookReceiver(port)
  console.log(`webhook receiver on :${port}`)
}
