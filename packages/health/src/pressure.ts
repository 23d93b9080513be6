import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import type { ResolvedPressure } from './options.js'

/**
 * Process pressure through @fastify/under-pressure, which samples event-loop delay and
 * utilisation, heap and RSS every second. Without load shedding it is registered with no
 * thresholds, so it adds no hook to the request path: readiness compares its readings with ours.
 * With `shedLoad`, it gets the thresholds and answers 503 on every route but the probes.
 * Returns the reason the process is under pressure, or undefined.
 */
export async function setupPressure (app: FastifyInstance, pressure: ResolvedPressure): Promise<() => string | undefined> {
  if (!app.hasDecorator('memoryUsage')) {
    // Utilisation over the last sample, not since start (under-pressure's default is cumulative).
    await app.register(underPressure, pressure.shedLoad
      ? {
          eventLoopUtilizationMode: 'interval',
          maxEventLoopDelay: pressure.maxEventLoopDelay,
          maxEventLoopUtilization: pressure.maxEventLoopUtilization,
          maxHeapUsedBytes: pressure.maxHeapUsedBytes,
          maxRssBytes: pressure.maxRssBytes
        }
      : { eventLoopUtilizationMode: 'interval' })
  }
  return () => {
    const r = app.memoryUsage()
    if (pressure.maxEventLoopDelay > 0 && r.eventLoopDelay > pressure.maxEventLoopDelay) {
      return `event loop delay ${Math.round(r.eventLoopDelay)} ms > ${pressure.maxEventLoopDelay} ms`
    }
    if (pressure.maxEventLoopUtilization > 0 && r.eventLoopUtilized > pressure.maxEventLoopUtilization) {
      return `event loop utilisation ${r.eventLoopUtilized.toFixed(3)} > ${pressure.maxEventLoopUtilization}`
    }
    if (pressure.maxHeapUsedBytes > 0 && r.heapUsed > pressure.maxHeapUsedBytes) {
      return `heap used ${r.heapUsed} bytes > ${pressure.maxHeapUsedBytes} bytes`
    }
    if (pressure.maxRssBytes > 0 && r.rssBytes > pressure.maxRssBytes) {
      return `RSS ${r.rssBytes} bytes > ${pressure.maxRssBytes} bytes`
    }
    return undefined
  }
}

/** Route config that lets a probe through when under-pressure sheds load. */
export const PROBE_PRESSURE_CONFIG = { pressureHandler: (): undefined => undefined }
