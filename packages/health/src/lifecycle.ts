/**
 * Where the app is in its life, as the probes see it, and the one writer of that state: the
 * plugin, the probes and the shutdown ask for a transition by name, and only this class sets a
 * field. Every transition goes one way.
 */
export class Lifecycle {
  #ready = false
  #started = false
  #startupFailed: string | undefined
  #draining = false

  /** Fastify's onReady has run. */
  get ready (): boolean {
    return this.#ready
  }

  /** The startup probe has passed once; it stays passed. */
  get started (): boolean {
    return this.#started
  }

  /** Set when the startup deadline passed before startup succeeded. */
  get startupFailed (): string | undefined {
    return this.#startupFailed
  }

  /** Shutting down: readiness fails while the rest keeps serving. */
  get draining (): boolean {
    return this.#draining
  }

  markReady (): void {
    this.#ready = true
  }

  /** Startup passed, unless its deadline had already made it fail for good. */
  markStarted (): void {
    if (this.#startupFailed === undefined) this.#started = true
  }

  /** The startup deadline passed first: startup fails for good, with `reason`. */
  failStartup (reason: string): void {
    if (!this.#started) this.#startupFailed ??= reason
  }

  startDraining (): void {
    this.#draining = true
  }
}
