import type { FastifyInstance } from 'fastify'

/** `app.tracing.addSecretUrlPrefix` of @obs/tracing: marks what follows a prefix in client span URLs as secret. */
type AddSecretUrlPrefix = (prefix: string) => () => void

/** @obs/tracing's method when it is registered, found by shape: this package does not depend on it. */
function addSecretUrlPrefixOf (app: FastifyInstance): AddSecretUrlPrefix | undefined {
  const tracing = (app as unknown as { tracing?: { addSecretUrlPrefix?: unknown } }).tracing
  const add = tracing?.addSecretUrlPrefix
  if (typeof add !== 'function') return undefined
  return (prefix) => {
    const remove: unknown = add.call(tracing, prefix)
    return typeof remove === 'function' ? remove as () => void : () => {}
  }
}

/**
 * Keeps the secret part of the channels' URLs (a Slack or webhook path) out of the client spans
 * @obs/tracing's HTTP instrumentation records of their deliveries. Channels are known from
 * registration on; tracing only from `onReady` on, whatever the order the plugins were registered in.
 */
export class SpanSecrets {
  private add: AddSecretUrlPrefix | undefined
  /** Each open channel's prefix, and the remover of its mark once tracing is found. */
  private readonly marks = new Map<object, { prefix: string, remove?: () => void }>()

  /** From onReady: marks the channels opened so far, and those opened later as they open. */
  attach (app: FastifyInstance): void {
    this.add = addSecretUrlPrefixOf(app)
    for (const mark of this.marks.values()) this.mark(mark)
  }

  /** A channel opened (at registration or by `addNotifier`); `channel` is its identity. */
  open (channel: object, prefix: string | undefined): void {
    if (prefix === undefined) return
    const mark = { prefix }
    this.marks.set(channel, mark)
    this.mark(mark)
  }

  /** A channel gone, once it has delivered what it owed (those deliveries stay redacted). */
  close (channel: object): void {
    this.marks.get(channel)?.remove?.()
    this.marks.delete(channel)
  }

  /** The app closed: every mark removed, as the tracing SDK may outlive the app. */
  closeAll (): void {
    for (const channel of [...this.marks.keys()]) this.close(channel)
    this.add = undefined
  }

  private mark (mark: { prefix: string, remove?: () => void }): void {
    if (this.add !== undefined && mark.remove === undefined) mark.remove = this.add(mark.prefix)
  }
}
