import { monitorEventLoopDelay } from 'node:perf_hooks'

type IntervalHistogram = ReturnType<typeof monitorEventLoopDelay>

export interface ProcessSample {
  /** CPU time over the interval, as a share of one core (1 = one core busy). */
  cpu: number
  rssBytes: number
  heapUsedBytes: number
  /** Event-loop delay over the interval, in milliseconds. */
  eventLoopDelayMeanMs: number
  eventLoopDelayP99Ms: number
}

/**
 * CPU, memory and event-loop delay of this process, measured by the console itself so that the
 * overview works without @obs/metrics. The event-loop monitor runs only between `start()` and
 * `stop()`, i.e. while a page watches.
 */
export class ProcessStats {
  private monitor: IntervalHistogram | undefined
  private cpu = process.cpuUsage()
  private at = 0

  start (at: number): void {
    this.monitor ??= monitorEventLoopDelay({ resolution: 10 })
    this.monitor.reset()
    this.monitor.enable()
    this.cpu = process.cpuUsage()
    this.at = at
  }

  stop (): void {
    this.monitor?.disable()
  }

  read (at: number): ProcessSample {
    const cpu = process.cpuUsage(this.cpu)
    const elapsedMicros = Math.max((at - this.at) * 1000, 1)
    this.cpu = process.cpuUsage()
    this.at = at
    const memory = process.memoryUsage()
    const monitor = this.monitor
    // The histogram records in nanoseconds; it is empty (NaN mean) until the first measurement.
    const mean = monitor !== undefined && monitor.count > 0 ? monitor.mean / 1e6 : 0
    const p99 = monitor !== undefined && monitor.count > 0 ? monitor.percentile(99) / 1e6 : 0
    monitor?.reset()
    return {
      cpu: (cpu.user + cpu.system) / elapsedMicros,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoopDelayMeanMs: mean,
      eventLoopDelayP99Ms: p99
    }
  }
}
