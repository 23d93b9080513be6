import type { ObsAlerts } from '@obs/alerts'
import type { ObsHealth } from '@obs/health'
import type { ObsMetrics } from '@obs/metrics'
import type { FastifyInstance } from 'fastify'
import type { SpanStore } from '../stores/span-store.js'
import type { LogStore } from '../stores/log-store.js'
import type { Quantile } from './request-rates.js'

type TracingModule = typeof import('@obs/tracing')

/** A part of the console, by the source it reads. */
export type Part = 'requests' | 'health' | 'traces' | 'logs' | 'alerts' | 'metrics'

/**
 * Which @obs plugins this app registered, found once the app is ready (whatever the order of
 * registration), and the span store's place in the tracing SDK. A view whose source is missing
 * asks `missing(part)` for the sentence to show.
 */
export class Sources {
  metrics: ObsMetrics | undefined
  health: ObsHealth | undefined
  alerts: ObsAlerts | undefined
  quantile: Quantile | undefined
  private tracing: TracingModule | undefined
  private detach: (() => void) | undefined

  constructor (private readonly spans: SpanStore, private readonly logs: LogStore | undefined) {}

  async resolve (app: FastifyInstance): Promise<void> {
    if (app.hasDecorator('metrics')) {
      this.metrics = app.metrics
      this.quantile = (await import('@obs/metrics')).histogramQuantile
    }
    if (app.hasDecorator('health')) this.health = app.health
    if (app.hasDecorator('alerts')) this.alerts = app.alerts
    try {
      this.tracing = await import('@obs/tracing')
    } catch {
      // An optional peer: without it the traces view says so.
    }
    this.attachSpans()
  }

  /** Joins the running tracing SDK, once there is one (started before or after the app). */
  attachSpans (): boolean {
    if (this.detach !== undefined) return true
    const sdk = this.tracing?.runningTracingSdk()
    if (sdk === undefined || !sdk.enabled) return false
    this.detach = sdk.addSpanProcessor(this.spans)
    return true
  }

  /** Leaves the SDK (onClose): its spans stop reaching the store. */
  close (): void {
    this.detach?.()
    this.detach = undefined
    this.spans.clear()
  }

  missing (part: Part): string | undefined {
    switch (part) {
      case 'requests':
      case 'metrics':
        return this.metrics === undefined ? '@obs/metrics is not registered: there are no request metrics to read.' : undefined
      case 'health':
        return this.health === undefined ? '@obs/health is not registered: there are no checks to show.' : undefined
      case 'alerts':
        return this.alerts === undefined ? '@obs/alerts is not registered: there are no alerts or rules to show.' : undefined
      case 'logs':
        return this.logs === undefined
          ? 'No log store: create a LogStore, give logTee(store) to Fastify\'s logger as its stream, and the store to @obs/console as its logs option.'
          : undefined
      case 'traces':
        if (this.attachSpans()) return undefined
        return this.tracing === undefined
          ? '@obs/tracing is not installed: there are no spans to show.'
          : 'No tracing SDK runs: start it with initTracing() (or node --import @obs/tracing/register) to see traces here.'
    }
  }
}
