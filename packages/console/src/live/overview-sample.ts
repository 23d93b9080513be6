import type { CheckStatus, HealthStatus } from '../sources/health-status.js'
import type { ProcessSample } from '../sources/process-stats.js'
import type { RouteRate } from '../sources/request-rates.js'

export type { CheckStatus, HealthStatus, ProcessSample, RouteRate }

/** One point of the overview's charts. */
export interface OverviewSample {
  /** Milliseconds since the epoch. */
  t: number
  /** Per route over the interval; null without @obs/metrics, or for the first reading of a watch. */
  routes: RouteRate[] | null
  process: ProcessSample | null
  /** The watch paused before this point: charts draw a gap. */
  gap?: true
}

/** What a page gets when it connects: the history kept, and where each part comes from. */
export interface OverviewHistory {
  intervalMs: number
  historySeconds: number
  samples: OverviewSample[]
  health: HealthStatus | null
  /** Why a part of the overview is empty, by part (`requests`, `health`). */
  missing: Record<string, string>
}
