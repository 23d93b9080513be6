import type { ObsMetrics } from '@obs/metrics'
import type { FastifyInstance } from 'fastify'
import type { CheckRegistry } from './checks/check-registry.js'

/**
 * With @obs/metrics registered, every check's last status and duration become gauges, read from
 * the last results at scrape time: a scrape never runs a check.
 */
export function exportCheckMetrics (app: FastifyInstance, checks: CheckRegistry): void {
  if (!app.hasDecorator('metrics')) return
  const metrics = (app as FastifyInstance & { metrics: ObsMetrics }).metrics
  metrics.gauge({
    name: 'health_check_up',
    help: 'Health check status from its last run: 1 pass or warn, 0 fail.',
    labelNames: ['check', 'critical'] as const,
    collect () {
      this.reset()
      for (const check of checks.all()) {
        if (check.last !== undefined) this.set({ check: check.settings.name, critical: String(check.settings.critical) }, check.last.status === 'fail' ? 0 : 1)
      }
    }
  })
  metrics.gauge({
    name: 'health_check_duration_seconds',
    help: 'Duration of the last run of a health check in seconds.',
    labelNames: ['check'] as const,
    collect () {
      this.reset()
      for (const check of checks.all()) {
        if (check.last !== undefined) this.set({ check: check.settings.name }, check.last.durationMs / 1000)
      }
    }
  })
}
