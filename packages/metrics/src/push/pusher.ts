import type { FastifyBaseLogger } from 'fastify'
import { countPoints, type PushSnapshot } from './families.js'
import { failureMessage, pushErrorType, PushTimeoutError } from './failure.js'
import type { PushSelfMetrics } from './self-metrics.js'
import type { Sink } from './sinks/types.js'
import { Slicer } from './slices.js'

export interface PusherOptions {
  readonly sink: Sink
  readonly collect: (slicer: Slicer) => Promise<PushSnapshot>
  readonly selfMetrics: PushSelfMetrics
  readonly log: FastifyBaseLogger
}

/**
 * Pushes to one sink on its interval. A push never overlaps the previous one (the tick is skipped
 * and counted), is reported as failed once it takes longer than the sink's timeout, and never
 * throws into the app: a failure is counted and logged, at most once per interval, and the next
 * push tries again. A push past its timeout cannot be stopped (the send is given what is left of
 * the timeout): until it ends, ticks are skipped, so pushes never interleave nor arrive out of order.
 */
export class Pusher {
  private timer: NodeJS.Timeout | undefined
  /** The push's work, set until the work itself ends (it may outlive its report after a timeout). */
  private running: Promise<unknown> | undefined
  private lastLogMs = -Infinity
  private failing = false
  private closed = false

  constructor (private readonly options: PusherOptions) {}

  start (): void {
    this.timer = setInterval(() => { this.tick() }, this.options.sink.intervalMs).unref()
  }

  /** Starts a push unless one is running; resolves when it is done, timed out (or was skipped). */
  async tick (): Promise<void> {
    if (this.running !== undefined) {
      this.options.selfMetrics.skipped(this.options.sink.componentType)
      await this.running
      return
    }
    await this.push()
  }

  private async push (): Promise<void> {
    const { sink, collect, selfMetrics } = this.options
    let points = 0
    let timer: NodeJS.Timeout | undefined
    const deadlineMs = Date.now() + sink.timeoutMs
    const work = (async () => {
      const slicer = new Slicer()
      const snapshot = await collect(slicer)
      points = countPoints(snapshot.families)
      return await sink.export(snapshot, slicer, deadlineMs)
    })()
    // The work ends after a timeout too (its failure is already counted then): only then may the next push start.
    let done = false
    const settled = work.then(() => { done = true }, () => { done = true })
    this.running = settled
    settled.then(() => { if (this.running === settled) this.running = undefined }).catch(() => {})
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new PushTimeoutError(`push to ${sink.componentType} took longer than ${sink.timeoutMs} ms`)), sink.timeoutMs).unref()
      })
      const sent = await Promise.race([work, timeout])
      selfMetrics.exported(sink.componentType, sent)
      if (this.failing) {
        this.failing = false
        this.options.log.info({ otel_component_type: sink.componentType, target: sink.target }, '@obs/metrics: metrics push works again')
      }
    } catch (error) {
      const type = pushErrorType(error, sink.componentType)
      selfMetrics.exported(sink.componentType, points, type)
      this.failing = true
      const now = Date.now()
      if (now - this.lastLogMs >= sink.intervalMs) {
        this.lastLogMs = now
        this.options.log.warn({ otel_component_type: sink.componentType, target: sink.target, error_type: type, reason: failureMessage(error) },
          '@obs/metrics: metrics push failed; the next one will try again')
      }
    } finally {
      clearTimeout(timer)
      if (done && this.running === settled) this.running = undefined
    }
  }

  /**
   * Stops the timer, waits for a running push (bounded by the timeout), pushes one last time
   * (bounded by the timeout), waits for that push's work (bounded again) and closes the sink.
   */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer === undefined) return this.closeSink() // never started: the app did not become ready
    clearInterval(this.timer)
    await this.settledWithinTimeout()
    if (this.running === undefined) await this.push()
    await this.settledWithinTimeout()
    await this.closeSink()
  }

  /** Waits for a push's work to end, a timeout at most: a send that hangs must not hold up the app's close. */
  private async settledWithinTimeout (): Promise<void> {
    if (this.running === undefined) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.running, new Promise<void>((resolve) => { timer = setTimeout(resolve, this.options.sink.timeoutMs).unref() })])
    clearTimeout(timer)
  }

  private async closeSink (): Promise<void> {
    try {
      await this.options.sink.close()
    } catch (error) {
      this.options.log.warn({ otel_component_type: this.options.sink.componentType, reason: failureMessage(error) }, '@obs/metrics: closing a metrics push sink failed')
    }
  }
}
