import type { Duration, Rule } from '@obs/alerts'

export interface RuleWindows {
  /** Window of the error-ratio and latency rules. */
  window: Duration
  /** How long a condition holds before it fires. */
  for: Duration
}

/**
 * The agent's alert rules: one definition that the in-process engine evaluates and that
 * `pnpm --filter @obs/agent deploy-files` writes to deploy/ for Prometheus.
 */
export function agentRules ({ window, for: hold }: RuleWindows = { window: '5m', for: '2m' }): Rule[] {
  return [
    {
      kind: 'errorRatio',
      name: 'AgentHighErrorRatio',
      description: 'More than 5% of requests to a route fail with a 5xx.',
      window,
      above: 0.05,
      minEvents: 10,
      for: hold,
      severity: 'critical',
      by: ['route'],
      labels: { team: 'agent' },
      annotations: { summary: 'Route {{ $labels.route }} fails {{ $value | humanizePercentage }} of requests' }
    },
    {
      kind: 'latency',
      name: 'AgentSlowAnswers',
      description: 'The 95th percentile of request duration is above 8 s.',
      quantile: 0.95,
      window,
      above: 8,
      minEvents: 10,
      for: hold,
      severity: 'warning',
      labels: { team: 'agent' }
    },
    {
      kind: 'gauge',
      name: 'AgentQueueBacklog',
      description: 'More than 100 tasks wait in the queue.',
      metric: 'agent_queue_size',
      aggregate: 'max',
      above: 100,
      for: hold,
      severity: 'warning',
      labels: { team: 'agent' }
    },
    {
      kind: 'slo',
      name: 'AgentAvailability',
      description: '99.5% of requests succeed (not 5xx) over 30 days.',
      indicator: 'availability',
      objective: 0.995,
      minEvents: 10,
      labels: { team: 'agent' }
    }
  ]
}
