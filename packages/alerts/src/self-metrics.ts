import type { FastifyInstance } from 'fastify'
import type { DeliveryHooks } from './delivery/channel.js'
import type { Dispatcher } from './delivery/dispatcher.js'
import type { FailureReason } from './delivery/types.js'
import type { AlertEngine } from './engine/engine.js'
import { SEVERITIES } from './rules/types.js'

export interface SelfMetrics extends DeliveryHooks {
  observeEvaluation (seconds: number): void
  ruleError (rule: string): void
}

/**
 * The plugin's own counters, in the @obs/metrics registry (with its prefix): how long
 * evaluations take, rules that fail, notifications sent, retried and failed (by reason, queue
 * overflow included). Created first: the engine and the channels count through them.
 */
export function createSelfMetrics (app: FastifyInstance): SelfMetrics {
  const m = app.metrics
  const evaluation = m.histogram({
    name: 'obs_alerts_evaluation_duration_seconds',
    help: 'Time one evaluation of every alert rule took: snapshot of the series, rules, alert states.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]
  })
  const ruleErrors = m.counter({
    name: 'obs_alerts_rule_errors_total',
    help: 'Evaluations of an alert rule that failed (its alerts were left as they were).',
    labelNames: ['rule'] as const
  })
  const sent = m.counter({
    name: 'obs_alerts_notifications_sent_total',
    help: 'Notification deliveries that a channel accepted (one delivery holds the alerts of one alert name).',
    labelNames: ['channel'] as const
  })
  const failed = m.counter({
    name: 'obs_alerts_notifications_failed_total',
    help: 'Notification deliveries given up, by reason: timeout, connection, unavailable, rejected, error, overflow (queue full), shutdown.',
    labelNames: ['channel', 'reason'] as const
  })
  const retried = m.counter({
    name: 'obs_alerts_notification_retries_total',
    help: 'Delivery attempts that failed and were retried.',
    labelNames: ['channel'] as const
  })
  return {
    observeEvaluation: (seconds) => evaluation.observe(seconds),
    ruleError: (rule) => ruleErrors.inc({ rule }),
    sent: (channel) => sent.inc({ channel }),
    failed: (channel: string, reason: FailureReason, count: number) => failed.inc({ channel, reason }, count),
    retried: (channel) => retried.inc({ channel })
  }
}

/** Gauges of what the engine and the channels hold, read at scrape time. */
export function watchState (app: FastifyInstance, engine: AlertEngine, dispatcher: Dispatcher): void {
  const m = app.metrics
  m.gauge({
    name: 'obs_alerts_notification_queue_length',
    help: 'Deliveries waiting or in flight per channel.',
    labelNames: ['channel'] as const,
    collect () {
      this.reset()
      for (const [channel, c] of dispatcher.channels) this.set({ channel }, c.length)
    }
  })
  m.gauge({
    name: 'obs_alerts_active',
    help: 'Active alerts by state (pending, firing) and severity.',
    labelNames: ['state', 'severity'] as const,
    collect () {
      this.reset()
      const counts = new Map<string, number>()
      for (const alert of engine.active()) counts.set(`${alert.state}\xff${alert.severity}`, (counts.get(`${alert.state}\xff${alert.severity}`) ?? 0) + 1)
      for (const state of ['pending', 'firing']) {
        for (const severity of SEVERITIES) this.set({ state, severity }, counts.get(`${state}\xff${severity}`) ?? 0)
      }
    }
  })
  m.gauge({
    name: 'obs_alerts_series_tracked',
    help: 'Series the rules read, tracked by the in-process engine.',
    collect () {
      this.set(engine.stats().series)
    }
  })
  let counted = 0
  m.counter({
    name: 'obs_alerts_series_over_limit_total',
    help: 'What maxSeries and maxGroups left out: series of a rule input (once each), results of a rule beyond its active alerts (at each evaluation), refused raise() calls.',
    collect () {
      const now = engine.stats().overLimit
      if (now > counted) this.inc(now - counted)
      counted = Math.max(counted, now)
    }
  })
}
