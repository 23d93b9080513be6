import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { Writable } from 'node:stream'
import tracing, { initTracing, type TracingPluginOptions, type TracingSdk, type TracingSdkOptions } from '../src/index.js'

export interface TestSdk {
  sdk: TracingSdk
  exporter: InMemorySpanExporter
  /** Finished spans so far. */
  spans (): ReadableSpan[]
  /** Finished server spans so far. */
  serverSpans (): ReadableSpan[]
}

/**
 * Starts the SDK for this test file (each tap file is its own process) with every span kept in
 * memory as soon as it ends. HTTP instrumentation is off unless asked for.
 */
export function startTestSdk (options: TracingSdkOptions = {}): TestSdk {
  const exporter = new InMemorySpanExporter()
  const sdk = initTracing({
    serviceName: 'test-service',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    instrumentations: false,
    env: {},
    ...options
  })
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans()
  return { sdk, exporter, spans, serverSpans: () => spans().filter((span) => span.kind === 1) }
}

/** Collects JSON log lines. */
export class LogLines extends Writable {
  readonly lines: Array<Record<string, unknown>> = []

  override _write (chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>)
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

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
export const PARENT_ID = '00f067aa0ba902b7'
export const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`
