// The Grafana dashboard of the agent, as code: `deploy-files` writes it to
// deploy/grafana/dashboards/agent.json, and a test runs every query against a live Prometheus.
import { buildDashboard, type DashboardSpec, queriesOf, type Row } from './grafana.js'

const s = '{service=~"$service"}'
const sel = (extra: string): string => `{service=~"$service",${extra}}`
const rate = (metric: string, selector = s): string => `rate(${metric}${selector}[$__rate_interval])`
const p95 = (metric: string, by: string): string =>
  `histogram_quantile(0.95, sum by (le, ${by}) (${rate(`${metric}_bucket`)}))`
// The service keeps native buckets on its duration histograms (`nativeHistograms`), which
// Prometheus stores as native histograms: their quantiles read the histogram itself.
const nativeP95 = (metric: string, by: string): string =>
  `histogram_quantile(0.95, sum by (${by}) (${rate(metric)}))`

/** The SLO objective of the AgentAvailability rule. */
const OBJECTIVE = 0.995

export const ROWS: readonly Row[] = [
  {
    title: 'Requests (RED by route)',
    panels: [
      { title: 'Request rate', unit: 'reqps', targets: [{ expr: `sum by (route) (${rate('http_requests_total')})`, legendFormat: '{{route}}' }] },
      {
        title: 'Error ratio (5xx)',
        unit: 'percentunit',
        targets: [{
          expr: `sum by (route) (${rate('http_requests_total', sel('status_code=~"5.."'))}) / sum by (route) (${rate('http_requests_total')})`,
          legendFormat: '{{route}}'
        }]
      },
      { title: 'Duration p95', unit: 's', targets: [{ expr: nativeP95('http_request_duration_seconds', 'route'), legendFormat: '{{route}}' }] },
      { title: 'In flight', unit: 'short', targets: [{ expr: 'sum by (route) (http_requests_in_flight' + s + ')', legendFormat: '{{route}}' }] },
      { title: 'Errors by type', unit: 'reqps', targets: [{ expr: `sum by (error_type) (${rate('http_request_errors_total')})`, legendFormat: '{{error_type}}' }] }
    ]
  },
  {
    title: 'LLM',
    panels: [
      {
        title: 'Tokens per second by model',
        unit: 'short',
        targets: [{ expr: `sum by (gen_ai_request_model, gen_ai_token_type) (${rate('gen_ai_client_token_usage_sum')})`, legendFormat: '{{gen_ai_request_model}} {{gen_ai_token_type}}' }]
      },
      { title: 'Cost per hour by model', unit: 'currencyUSD', targets: [{ expr: `sum by (gen_ai_request_model) (${rate('agent_llm_cost_usd_total')}) * 3600`, legendFormat: '{{gen_ai_request_model}}' }] },
      { title: 'Model latency p95', unit: 's', targets: [{ expr: nativeP95('gen_ai_client_operation_duration_seconds', 'gen_ai_request_model'), legendFormat: '{{gen_ai_request_model}}' }] },
      {
        title: 'Cached input tokens ratio',
        unit: 'percentunit',
        description: 'Input tokens the provider served from its prompt cache (cache_read is part of input).',
        targets: [{ expr: `sum by (gen_ai_request_model) (${rate('gen_ai_client_token_usage_sum', sel('gen_ai_token_type="cache_read"'))}) / sum by (gen_ai_request_model) (${rate('gen_ai_client_token_usage_sum', sel('gen_ai_token_type="input"'))})`, legendFormat: '{{gen_ai_request_model}}' }]
      },
      { title: 'Model calls by outcome', unit: 'reqps', targets: [{ expr: `sum by (gen_ai_request_model, outcome) (${rate('agent_llm_calls_total')})`, legendFormat: '{{gen_ai_request_model}} {{outcome}}' }] },
      { title: 'Model errors by type', unit: 'reqps', targets: [{ expr: `sum by (error_type) (${rate('agent_llm_errors_total')})`, legendFormat: '{{error_type}}' }] }
    ]
  },
  {
    title: 'Agents',
    panels: [
      { title: 'Calls by agent', unit: 'reqps', targets: [{ expr: `sum by (agent, outcome) (${rate('agent_llm_calls_by_agent_total')})`, legendFormat: '{{agent}} {{outcome}}' }] },
      {
        title: 'Success ratio by agent',
        unit: 'percentunit',
        description: 'Model calls of each agent that succeeded.',
        targets: [{ expr: `sum by (agent) (${rate('agent_llm_calls_by_agent_total', sel('outcome="success"'))}) / sum by (agent) (${rate('agent_llm_calls_by_agent_total')})`, legendFormat: '{{agent}}' }]
      },
      { title: 'Agent invocation p95', unit: 's', targets: [{ expr: nativeP95('gen_ai_invoke_agent_duration_seconds', 'gen_ai_agent_name'), legendFormat: '{{gen_ai_agent_name}}' }] },
      { title: 'Task duration p95 by type', unit: 's', targets: [{ expr: p95('agent_task_duration_by_type_seconds', 'task_type'), legendFormat: '{{task_type}}' }] },
      {
        title: 'Quality score distribution',
        type: 'heatmap',
        unit: 'percentunit',
        description: 'The critic\'s scores, by bucket: how many answers scored how well.',
        targets: [{ expr: `sum by (le) (increase(agent_quality_score_bucket${s}[$__rate_interval]))`, legendFormat: '{{le}}', format: 'heatmap' }]
      }
    ]
  },
  {
    title: 'Tools',
    panels: [
      { title: 'Tool calls by outcome', unit: 'reqps', targets: [{ expr: `sum by (gen_ai_tool_name, outcome) (${rate('agent_tool_calls_total')})`, legendFormat: '{{gen_ai_tool_name}} {{outcome}}' }] },
      { title: 'Tool errors by type', unit: 'reqps', targets: [{ expr: `sum by (gen_ai_tool_name, error_type) (${rate('agent_tool_errors_total')})`, legendFormat: '{{gen_ai_tool_name}} {{error_type}}' }] },
      { title: 'Tool duration p95', unit: 's', targets: [{ expr: nativeP95('gen_ai_execute_tool_duration_seconds', 'gen_ai_tool_name'), legendFormat: '{{gen_ai_tool_name}}' }] },
      { title: 'Tools running', unit: 'short', targets: [{ expr: 'sum by (gen_ai_tool_name) (agent_tools_active' + s + ')', legendFormat: '{{gen_ai_tool_name}}' }] }
    ]
  },
  {
    title: 'Cache, queue and tasks',
    panels: [
      {
        title: 'Cache hit ratio',
        unit: 'percentunit',
        targets: [{ expr: `sum by (cache) (${rate('agent_cache_requests_total', sel('result="hit"'))}) / sum by (cache) (${rate('agent_cache_requests_total')})`, legendFormat: '{{cache}}' }]
      },
      { title: 'Cache evictions', unit: 'ops', targets: [{ expr: `sum by (cache) (${rate('agent_cache_evictions_total')})`, legendFormat: '{{cache}}' }] },
      { title: 'Cache size', unit: 'short', targets: [{ expr: 'max by (cache) (agent_cache_entries' + s + ')', legendFormat: '{{cache}}' }] },
      { title: 'Queue size', unit: 'short', description: 'Tasks waiting, and tasks in the dead-letter queue.', targets: [{ expr: 'max by (queue) (agent_queue_size' + s + ')', legendFormat: '{{queue}}' }] },
      { title: 'Tasks in progress', unit: 'short', targets: [{ expr: 'sum(agent_tasks_in_progress' + s + ')', legendFormat: 'in progress' }] },
      { title: 'Tasks by status', unit: 'ops', targets: [{ expr: `sum by (status) (${rate('agent_tasks_total')})`, legendFormat: '{{status}}' }] },
      { title: 'Task duration p95', unit: 's', targets: [{ expr: nativeP95('agent_task_duration_seconds', 'status'), legendFormat: '{{status}}' }] },
      {
        title: 'Answer quality (mean critic score)',
        unit: 'percentunit',
        targets: [{ expr: `sum(${rate('agent_quality_score_sum')}) / sum(${rate('agent_quality_score_count')})`, legendFormat: 'score' }]
      }
    ]
  },
  {
    title: 'Health and resources',
    panels: [
      { title: 'Checks up', unit: 'short', targets: [{ expr: 'min by (check) (health_check_up' + s + ')', legendFormat: '{{check}}' }] },
      { title: 'Check duration', unit: 's', targets: [{ expr: 'max by (check) (health_check_duration_seconds' + s + ')', legendFormat: '{{check}}' }] },
      { title: 'Uptime', type: 'stat', unit: 's', targets: [{ expr: 'time() - max by (instance) (process_start_time_seconds' + s + ')', legendFormat: '{{instance}}' }] },
      { title: 'CPU', unit: 'percentunit', description: 'CPU seconds a second of each process: 1 is a whole core.', targets: [{ expr: `sum by (instance) (${rate('process_cpu_seconds_total')})`, legendFormat: '{{instance}}' }] },
      { title: 'Resident memory', unit: 'bytes', targets: [{ expr: 'max by (instance) (process_resident_memory_bytes' + s + ')', legendFormat: '{{instance}}' }] },
      { title: 'Event loop lag p99', unit: 's', targets: [{ expr: 'max(nodejs_eventloop_lag_p99_seconds' + s + ')', legendFormat: 'p99' }] },
      {
        title: 'Disk used',
        unit: 'percentunit',
        description: 'Of the filesystems holding DISK_PATHS, as df counts it: used / (used + free to the process).',
        targets: [{ expr: 'max by (instance, path) (disk_used_bytes' + s + ' / (disk_used_bytes' + s + ' + disk_free_bytes' + s + '))', legendFormat: '{{instance}} {{path}}' }]
      },
      { title: 'Disk free', unit: 'bytes', targets: [{ expr: 'min by (instance, path) (disk_free_bytes' + s + ')', legendFormat: '{{instance}} {{path}}' }] }
    ]
  },
  {
    title: `Availability SLO (${OBJECTIVE * 100}%)`,
    panels: [
      {
        title: 'Burn rate',
        unit: 'short',
        description: 'How many times faster than sustainable the error budget burns; 14.4 over 1h pages.',
        targets: ['5m', '1h', '6h'].map((window) => ({
          expr: `(sum(rate(http_requests_total${sel('status_code=~"5.."')}[${window}])) / sum(rate(http_requests_total${s}[${window}]))) / ${+(1 - OBJECTIVE).toFixed(6)}`,
          legendFormat: window
        }))
      },
      {
        title: 'Error budget remaining (30 days)',
        unit: 'percentunit',
        targets: [{
          expr: `1 - (sum(increase(http_requests_total${sel('status_code=~"5.."')}[30d])) / sum(increase(http_requests_total${s}[30d]))) / ${+(1 - OBJECTIVE).toFixed(6)}`,
          legendFormat: 'remaining'
        }]
      },
      { title: 'Alerts firing', unit: 'short', targets: [{ expr: 'sum by (alertname, severity) (ALERTS{alertstate="firing"})', legendFormat: '{{alertname}} {{severity}}' }] }
    ]
  },
  {
    title: 'Alerts',
    panels: [
      {
        title: 'Alert list',
        type: 'table',
        unit: 'short',
        description: 'Alerts pending and firing in Prometheus now; each rule\'s runbook is linked from its runbook_url annotation.',
        columns: ['alertname', 'severity', 'alertstate', 'route', 'instance'],
        targets: [{ expr: 'max by (alertname, severity, alertstate, route, instance) (ALERTS' + s + ')', legendFormat: '', format: 'table' }]
      }
    ]
  }
]

export const AGENT_DASHBOARD: DashboardSpec = { uid: 'obs-agent', title: 'Agent service', tags: ['obs', 'agent', 'fastify'], rows: ROWS, serviceVariable: true }

/** Every query of the dashboard, for tests. */
export function dashboardQueries (): string[] {
  return queriesOf(AGENT_DASHBOARD)
}

/** The dashboard as Grafana's JSON model. */
export function agentDashboard (): Record<string, unknown> {
  return buildDashboard(AGENT_DASHBOARD)
}
