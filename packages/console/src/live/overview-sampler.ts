import { readHealth, type HealthStatus } from '../sources/health-status.js'
import { ProcessStats } from '../sources/process-stats.js'
import type { RequestRates } from '../sources/request-rates.js'
import { RingBuffer } from '../stores/ring-buffer.js'
import type { ObsHealth } from '@obs/health'
import type { OverviewSample } from './overview-sample.js'

export interface SamplerSources {
  /** Absent without @obs/metrics (or with its request metrics off). */
  rates: RequestRates | undefined
  /** Absent without @obs/health. */
  health: ObsHealth | undefined
}

/**
 * Takes the overview's samples while a page watches and keeps the last `capacity` of them, so a
 * page that opens (or comes back from another view) sees the last minutes at once. Between
 * watches it holds its samples and does nothing.
 */
export class OverviewSampler {
  readonly samples: RingBuffer<OverviewSample>
  health: HealthStatus | null = null
  private readonly process = new ProcessStats()
  private paused = false

  constructor (private readonly sources: SamplerSources, capacity: number, private readonly now: () => number) {
    this.samples = new RingBuffer(capacity)
  }

  /** The watch begins: baselines for the rates and CPU, and the event-loop monitor on. */
  async begin (): Promise<void> {
    const at = this.now()
    this.process.start(at)
    this.sources.rates?.reset()
    await this.sources.rates?.read(at)
  }

  /** The watch ends: the monitor off; the next sample marks the gap. */
  end (): void {
    this.process.stop()
    this.paused = true
  }

  async sample (): Promise<OverviewSample> {
    const at = this.now()
    const routes = (await this.sources.rates?.read(at)) ?? null
    const sample: OverviewSample = { t: at, routes, process: this.process.read(at), ...(this.paused ? { gap: true as const } : {}) }
    this.paused = false
    this.samples.push(sample)
    return sample
  }

  async probeHealth (): Promise<HealthStatus | null> {
    if (this.sources.health === undefined) return null
    this.health = await readHealth(this.sources.health)
    return this.health
  }
}
