import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace'
import { Writable } from 'node:stream'
import tracing, { initTracing, type TracingPluginOptions, type TracingSdk, type TracingSdkOptions } from '../src/index.js'

/**
 * Watches spans start and end, so that tests wait for the event itself, never for a while:
 * `ended(match)` resolves with the first span matching that ends (or has ended), and `open()`
 * lists the spans started and not ended. Put it after the exporting processor.
 */
export class SpanWatcher implements SpanProcessor {
  private readonly started = new Set<Span>()
  private readonly finished: ReadableSpan[] = []
  private readonly waiters: Array<{ match: (span: ReadableSpan) => boolean, resolve: (span: ReadableSpan) => void }> = []

  onStart (span: Span): void {
    this.started.add(span)
  }

  onEnd (span: ReadableSpan): void {
    this.started.delete(span as Span)
    this.finished.push(span)
    for (const waiter of this.waiters.filter((w) => w.match(span))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1)
      waiter.resolve(span)
    }
  }

  /** The first span matching `match` that has ended or will. */
  async ended (match: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
    const done = this.finished.find(match)
    if (done !== undefined) return done
    return new Promise((resolve) => { this.waiters.push({ match, resolve }) })
  }

  /** Spans started and not ended. */
  open (): Span[] {
    return [...this.started]
  }

  reset (): void {
    this.started.clear()
    this.finished.length = 0
  }

  async forceFlush (): Promise<void> {}
  async shutdown (): Promise<void> {}
}

export interface TestSdk {
  sdk: TracingSdk
  exporter: InMemorySpanExporter
  watcher: SpanWatcher
  /** Finished spans so far. */
  spans (): ReadableSpan[]
  /** Finished server spans so far. */
  serverSpans (): ReadableSpan[]
  /** Forgets the spans so far (the exporter's and the watcher's). */
  reset (): void
}

/**
 * Starts the SDK for this test file (each tap file is its own process) with every span kept in
 * memory as soon as it ends. HTTP instrumentation is off unless asked for.
 */
export function startTestSdk (options: TracingSdkOptions = {}): TestSdk {
  const exporter = new InMemorySpanExporter()
  const watcher = new SpanWatcher()
  const sdk = initTracing({
    serviceName: 'test-service',
    spanProcessors: [new SimpleSpanProcessor({ exporter }), watcher],
    instrumentations: false,
    env: {},
    ...options
  })
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans()
  const reset = (): void => {
    exporter.reset()
    watcher.reset()
  }
  return { sdk, exporter, watcher, spans, serverSpans: () => spans().filter((span) => span.kind === 1), reset }
}

/** Collects JSON log lines, parsed and as they were written. */
export class LogLines extends Writable {
  readonly lines: Array<Record<string, unknown>> = []
  readonly raw: string[] = []

  override _write (chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue
      this.raw.push(line)
      this.lines.push(JSON.parse(line) as Record<string, unknown>)
    }
    done()
  }

  /** The lines written while serving one request (Fastify's `reqId`). */
  ofRequest (reqId: string): Array<Record<string, unknown>> {
    return this.lines.filter((line) => line.reqId === reqId)
  }
}

export async function buildApp (options: TracingPluginOptions = {}, fastify: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(fastify)
  await app.register(tracing, options)
  return app
}

/** A promise and the function that fulfils it: for steps whose order a test decides. */
export function signal (): { promise: Promise<void>, resolve: () => void } {
  let fulfil!: () => void
  const promise = new Promise<void>((resolve) => { fulfil = resolve })
  return { promise, resolve: fulfil }
}

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
export const PARENT_ID = '00f067aa0ba902b7'
export const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`
