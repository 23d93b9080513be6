import type { FastifyInstance } from 'fastify'
import type { Registry } from '@prometheus-io/client'
import { collectRegistry } from './collect.js'
import type { Labels } from './families.js'
import { MergedLabels } from './merged-labels.js'
import type { ResolvedPush } from './options.js'
import { Pusher } from './pusher.js'
import { pushSelfMetrics } from './self-metrics.js'
import { SINKS } from './sinks/index.js'
import type { SinkContext, SinkModule } from './sinks/types.js'

export interface PushContext {
  readonly registry: Registry
  readonly prefix: string
  readonly defaultLabels: Labels
  readonly onCollectError: (metric: string, error: unknown) => void
}

/** Starts one pusher per sink when the app is ready; on close, each pushes a last time and stops. */
export function startPush (app: FastifyInstance, push: ResolvedPush, context: PushContext): void {
  const selfMetrics = pushSelfMetrics(context.registry, context.prefix)
  const sinkContext: SinkContext = { startMs: Date.now() }
  // Shared by the sinks: each series' merged labels are made once and are the same object for all.
  const mergedLabels = new MergedLabels()
  const pushers = push.sinks.map(({ name, config }) => new Pusher({
    sink: (SINKS[name] as SinkModule<object, unknown>).create(config, sinkContext),
    collect: (slicer) => collectRegistry(context.registry, context.defaultLabels, context.onCollectError, slicer, mergedLabels),
    selfMetrics,
    log: app.log
  }))
  app.addHook('onReady', async () => { for (const pusher of pushers) pusher.start() })
  app.addHook('onClose', async () => { await Promise.all(pushers.map((pusher) => pusher.close())) })
}
