import type { FastifyInstance } from 'fastify'
import { Server } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Lifecycle } from './lifecycle.js'

export interface ShutdownSettings {
  signals: NodeJS.Signals[] | false
  drainDelayMs: number
  timeoutMs: number
}

// After the server stops accepting, connections that stay idle this long are closed: a client
// that connected a moment before has sent its request well within it.
const IDLE_GRACE_MS = 250

/**
 * Graceful shutdown: readiness turns 503 at once while every other route keeps serving for the
 * drain delay (long enough for the endpoints to drop the pod), and every response asks its
 * keep-alive client to reconnect. Then the server stops accepting connections, the ones it has
 * accepted get their requests served, in-flight requests finish, and Fastify closes. On a
 * signal the process exits when that is done, or with code 1 after `timeoutMs`.
 */
export class GracefulShutdown {
  private closing: Promise<void> | undefined
  private readonly handlers = new Map<NodeJS.Signals, () => void>()

  constructor (private readonly app: FastifyInstance, private readonly lifecycle: Lifecycle, private readonly settings: ShutdownSettings) {}

  /** Starts the shutdown; calling it again returns the same promise. */
  shutdown (): Promise<void> {
    this.closing ??= this.drainThenClose()
    return this.closing
  }

  installSignalHandlers (): void {
    if (this.settings.signals === false) return
    for (const signal of this.settings.signals) {
      const handler = (): void => { this.onSignal(signal) }
      this.handlers.set(signal, handler)
      process.on(signal, handler)
    }
  }

  removeSignalHandlers (): void {
    for (const [signal, handler] of this.handlers) process.removeListener(signal, handler)
    this.handlers.clear()
  }

  private async drainThenClose (): Promise<void> {
    this.lifecycle.startDraining()
    this.closeConnectionsAfterResponse()
    this.app.log.info({ drainDelayMs: this.settings.drainDelayMs }, '@obs/health: shutting down: readiness fails, draining before close')
    await sleep(this.settings.drainDelayMs)
    await this.finishConnections()
    await this.app.close()
    this.app.log.info('@obs/health: closed after draining')
  }

  /**
   * From now on every HTTP/1 response asks its keep-alive client to reconnect (Node writes
   * `Connection: close` and closes the socket after it), so that by the time the server closes no
   * idle connection is left. A listener added only now: the request path pays nothing before.
   */
  private closeConnectionsAfterResponse (): void {
    const server = this.app.server as unknown as { prependListener?: (event: 'request', listener: (req: unknown, res: { shouldKeepAlive: boolean }) => void) => void }
    server.prependListener?.('request', (_req, res) => { res.shouldKeepAlive = false })
  }

  /**
   * Stops accepting and waits for the accepted connections to end. net.Server's close does not
   * close idle connections at once as http.Server's does, so a connection accepted just before
   * still gets its request served (instead of a reset, or Fastify's 503 once it is closing).
   * Fastify's own close later finds the server stopped, which it allows.
   */
  private async finishConnections (): Promise<void> {
    const server = this.app.server
    if (!server.listening) return
    const reaper = setInterval(() => server.closeIdleConnections(), IDLE_GRACE_MS)
    const giveUp = new AbortController()
    try {
      await Promise.race([
        new Promise<void>((resolve) => { Server.prototype.close.call(server, () => resolve()) }),
        sleep(this.settings.timeoutMs, undefined, { signal: giveUp.signal }).catch(() => {})
      ])
    } finally {
      clearInterval(reaper)
      giveUp.abort()
    }
  }

  private onSignal (signal: NodeJS.Signals): void {
    if (this.closing !== undefined) {
      this.app.log.warn({ signal }, '@obs/health: second signal during shutdown: exiting now')
      process.exit(1)
    }
    this.app.log.info({ signal }, '@obs/health: signal received')
    setTimeout(() => {
      this.app.log.error({ timeoutMs: this.settings.timeoutMs }, '@obs/health: shutdown took too long: exiting')
      process.exit(1)
    }, this.settings.timeoutMs).unref()
    this.shutdown().then(() => process.exit(0), (error: unknown) => {
      this.app.log.error({ err: error }, '@obs/health: closing failed')
      process.exit(1)
    })
  }
}
