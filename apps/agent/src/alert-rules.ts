import type { Duration, Rule } from '@obs/alerts'

export interface RuleWindows {
  /** Window of the ratio, latency and rate rules. */
  window: Duration
  /** How long a condition holds before it fires. */
  for: Duration
}

/** Thresholds of the resource and spend rules, which depend on where the service runs. */
export interface AlertLimits {
  /** Resident memory, in bytes. */
  memoryBytes: number
  /** CPU seconds per second (cores in use). */
  cpuCores: number
  /** Model spend, in US dollars an hour. */
  costPerHourUsd: number
  /** Tokens a second, input and output, all models. */
  tokensPerSecond: number
  /** Requests a second below which the traffic counts as gone. */
  minRequestsPerSecond: number
  /** Seconds at p95 above which answers (requests) are slow. */
  slowAnswerSeconds: number
  /** Seconds at p95 above which a tool is slow. */
  slowToolSeconds: number
  /** Seconds at p95 above which a task's run through the pipeline is slow. */
  slowTaskSeconds: number
}

export const DEFAULT_LIMITS: Readonly<AlertLimits> = Object.freeze({
  // 90% of the 512 MiB memory limit of deploy/kubernetes/deployment.yaml (460 MiB).
  memoryBytes: 460 * 1024 * 1024,
  cpuCores: 0.9,
  costPerHourUsd: 5,
  tokensPerSecond: 5000,
  minRequestsPerSecond: 0.05,
  slowAnswerSeconds: 8,
  slowToolSeconds: 5,
  slowTaskSeconds: 20
})

export interface AgentRuleOptions extends Partial<RuleWindows> {
  /** The `service` label of every alert (the metrics' `service` default label). */
  service?: string
  limits?: Partial<AlertLimits>
  /**
   * The duration histograms are native in Prometheus (the service registers @obs/metrics with
   * `nativeHistograms`, Prometheus runs with `--enable-feature=native-histograms`): the latency
   * rules read them as such. Default true, as the service and the deploy files have it.
   */
  nativeHistograms?: boolean
}

/** Where the runbooks are: each alert's `runbook_url` is a section of this file. */
export const RUNBOOKS_URL = 'https://github.com/obs-fastify/obs/blob/main/apps/agent/docs/runbooks.md'

/** The section of an alert in the runbooks: a `## <alertname>` heading, as GitHub anchors it. */
export const runbookUrl = (alertname: string): string => `${RUNBOOKS_URL}#${alertname.toLowerCase()}`

/**
 * The agent's alert rules, which both engines evaluate: the in-process one of @obs/alerts, and
 * Prometheus through the rule files `pnpm --filter @obs/agent deploy-files` writes. They cover
 * seed 002's catalogue: requests, tools, cache, resources, tasks, spend, traffic and the pipeline.
 */
export function agentRules (options: AgentRuleOptions = {}): Rule[] {
  return catalogue(options, bothEngines(options))
}

/**
 * The rules for Prometheus: the agent's rules and those only Prometheus can evaluate, about the
 * scrape itself (a process that is down cannot alert on itself).
 */
export function prometheusRules (options: AgentRuleOptions = {}): Rule[] {
  const hold = options.for ?? '2m'
  return catalogue(options, [
    ...bothEngines(options),
    {
      kind: 'gauge',
      name: 'AgentDown',
      description: 'Prometheus cannot scrape the service (up == 0): the process is down or unreachable.',
      metric: 'up',
      below: 1,
      for: hold,
      severity: 'critical',
      annotations: { summary: 'Prometheus cannot scrape {{ $labels.instance }} ({{ $labels.job }})' }
    }
  ])
}

/** Every rule gets the team and service labels and its runbook. */
function catalogue ({ service = 'agent' }: AgentRuleOptions, rules: Rule[]): Rule[] {
  return rules.map((rule) => ({
    ...rule,
    labels: { team: 'agent', service, ...rule.labels },
    annotations: { ...rule.annotations, runbook_url: runbookUrl(rule.name) }
  }))
}

function bothEngines (options: AgentRuleOptions): Rule[] {
  const window = options.window ?? '5m'
  const hold = options.for ?? '2m'
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const nativeHistogram = options.nativeHistograms ?? true
  return [
    // Requests.
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
      annotations: { summary: 'Route {{ $labels.route }} fails {{ $value | humanizePercentage }} of requests' }
    },
    {
      kind: 'latency',
      name: 'AgentSlowAnswers',
      description: `The 95th percentile of request duration is above ${limits.slowAnswerSeconds} s.`,
      quantile: 0.95,
      window,
      above: limits.slowAnswerSeconds,
      nativeHistogram,
      minEvents: 10,
      for: hold,
      severity: 'warning'
    },
    {
      kind: 'slo',
      name: 'AgentAvailability',
      description: '99.5% of requests succeed (not 5xx) over 30 days.',
      indicator: 'availability',
      objective: 0.995,
      minEvents: 10
    },
    {
      kind: 'rate',
      name: 'AgentLowRequestRate',
      description: `The service gets fewer than ${limits.minRequestsPerSecond} requests a second: its traffic is gone (a broken route, DNS, a client down).`,
      metric: 'http_requests_total',
      window,
      below: limits.minRequestsPerSecond,
      for: hold,
      severity: 'warning',
      annotations: { summary: 'The service gets {{ $value | humanize }} requests a second (alert below ' + limits.minRequestsPerSecond + ')' }
    },
    // Tools.
    {
      kind: 'errorRatio',
      name: 'AgentToolErrorRatio',
      description: 'A tool fails more than 10% of its calls.',
      metric: 'agent_tool_calls_total',
      errors: { outcome: 'error' },
      window,
      above: 0.1,
      minEvents: 10,
      for: hold,
      severity: 'warning',
      by: ['gen_ai_tool_name'],
      annotations: { summary: 'Tool {{ $labels.gen_ai_tool_name }} fails {{ $value | humanizePercentage }} of its calls' }
    },
    {
      kind: 'latency',
      name: 'AgentSlowTools',
      description: `The 95th percentile of a tool's duration is above ${limits.slowToolSeconds} s.`,
      metric: 'gen_ai_execute_tool_duration_seconds',
      quantile: 0.95,
      window,
      above: limits.slowToolSeconds,
      nativeHistogram,
      minEvents: 5,
      for: hold,
      severity: 'warning',
      by: ['gen_ai_tool_name'],
      annotations: { summary: `Tool {{ $labels.gen_ai_tool_name }} takes {{ $value | humanizeDuration }} at p95 (alert above ${limits.slowToolSeconds}s)` }
    },
    // Cache.
    {
      kind: 'errorRatio',
      name: 'AgentLowCacheHitRatio',
      description: 'Fewer than 20% of lookups in a cache hit: answers are asked of the model again and again.',
      metric: 'agent_cache_requests_total',
      errors: { result: 'hit' },
      window,
      below: 0.2,
      minEvents: 20,
      for: hold,
      severity: 'warning',
      by: ['cache'],
      annotations: { summary: 'Cache {{ $labels.cache }} hits {{ $value | humanizePercentage }} of lookups (alert below 20%)' }
    },
    // Resources.
    {
      kind: 'gauge',
      name: 'AgentHighMemory',
      description: `Resident memory is above ${limits.memoryBytes / 1024 / 1024} MiB.`,
      metric: 'process_resident_memory_bytes',
      above: limits.memoryBytes,
      for: hold,
      severity: 'warning',
      annotations: { summary: 'Resident memory {{ $value | humanize }}B on {{ $labels.instance }}' }
    },
    {
      kind: 'rate',
      name: 'AgentHighCpu',
      description: `The process uses more than ${limits.cpuCores} CPU seconds a second in JavaScript and native code (user time).`,
      // User time, not process_cpu_seconds_total: the client brings that one up to date only when
      // it collects this one (a whole scrape does), and the in-process engine reads only the
      // families its rules name, so it would see a counter that never moves.
      metric: 'process_cpu_user_seconds_total',
      window,
      above: limits.cpuCores,
      for: hold,
      severity: 'warning',
      // Per process: a fleet's sum would grow with its size.
      by: ['instance'],
      annotations: { summary: 'CPU use {{ $value | humanizePercentage }} of a core on {{ $labels.instance }} (alert above ' + limits.cpuCores * 100 + '%)' }
    },
    // Tasks, the pipeline that runs them, and the queue.
    {
      kind: 'errorRatio',
      name: 'AgentTaskFailureRatio',
      description: 'More than 10% of finished tasks failed.',
      metric: 'agent_tasks_total',
      errors: { status: 'failed' },
      window,
      above: 0.1,
      minEvents: 10,
      for: hold,
      severity: 'error',
      annotations: { summary: '{{ $value | humanizePercentage }} of tasks failed' }
    },
    {
      kind: 'rate',
      name: 'AgentPipelineFailures',
      description: 'The pipeline gives up on tasks: they failed every retry and went to the dead-letter queue (more than 3 in 5 minutes).',
      metric: 'agent_tasks_dead_lettered_total',
      window,
      above: 0.01,
      for: hold,
      severity: 'error',
      annotations: { summary: 'Tasks go to the dead-letter queue at {{ printf "%.2f" $value }} a second' }
    },
    {
      kind: 'latency',
      name: 'AgentSlowPipeline',
      description: `The 95th percentile of a task's run through the pipeline is above ${limits.slowTaskSeconds} s.`,
      metric: 'agent_task_duration_seconds',
      quantile: 0.95,
      window,
      above: limits.slowTaskSeconds,
      nativeHistogram,
      minEvents: 10,
      for: hold,
      severity: 'warning',
      annotations: { summary: `Tasks take {{ $value | humanizeDuration }} at p95 (alert above ${limits.slowTaskSeconds}s)` }
    },
    {
      kind: 'gauge',
      name: 'AgentQueueBacklog',
      description: 'More than 100 tasks wait in the queue.',
      metric: 'agent_queue_size',
      match: { queue: 'tasks' },
      aggregate: 'max',
      above: 100,
      for: hold,
      severity: 'warning',
      annotations: { summary: '{{ $value | humanize }} tasks wait in the queue (alert above 100)' }
    },
    // Spend.
    {
      kind: 'rate',
      name: 'AgentCostSpike',
      description: `Model spend runs above ${limits.costPerHourUsd} US dollars an hour.`,
      metric: 'agent_llm_cost_usd_total',
      window,
      above: limits.costPerHourUsd / 3600,
      for: hold,
      severity: 'warning',
      annotations: { summary: 'Model spend runs at {{ printf "%.4f" $value }} USD a second (alert above ' + limits.costPerHourUsd + ' USD an hour)' }
    },
    {
      kind: 'rate',
      name: 'AgentTokenUsageSpike',
      description: `Models use more than ${limits.tokensPerSecond} tokens a second.`,
      metric: 'gen_ai_client_token_usage_sum',
      // Cache and reasoning tokens are parts of these two: counting them too would count twice.
      match: { gen_ai_token_type: { re: 'input|output' } },
      window,
      above: limits.tokensPerSecond,
      for: hold,
      severity: 'warning',
      annotations: { summary: 'Models use {{ $value | humanize }} tokens a second (alert above ' + limits.tokensPerSecond + ')' }
    }
  ]
}
