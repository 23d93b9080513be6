// The overview across services, as code: one line per service (or scrape job) for the golden
// signals, resources and alerts. `deploy-files` writes it to deploy/grafana/dashboards/overview.json;
// a test runs every query against a live Prometheus.
import { buildDashboard, type DashboardSpec, queriesOf } from './grafana.js'

const rate = (metric: string, selector = ''): string => `rate(${metric}${selector}[$__rate_interval])`

export const OVERVIEW_DASHBOARD: DashboardSpec = {
  uid: 'obs-overview',
  title: 'Services overview',
  tags: ['obs', 'overview'],
  serviceVariable: false,
  rows: [
    {
      title: 'Services',
      panels: [
        { title: 'Instances up', unit: 'short', description: 'Scraped instances that answer, by job.', targets: [{ expr: 'sum by (job) (up)', legendFormat: '{{job}}' }] },
        { title: 'Request rate', unit: 'reqps', targets: [{ expr: `sum by (service) (${rate('http_requests_total')})`, legendFormat: '{{service}}' }] },
        {
          title: 'Error ratio (5xx)',
          unit: 'percentunit',
          targets: [{ expr: `sum by (service) (${rate('http_requests_total', '{status_code=~"5.."}')}) / sum by (service) (${rate('http_requests_total')})`, legendFormat: '{{service}}' }]
        },
        { title: 'Duration p95', unit: 's', targets: [{ expr: `histogram_quantile(0.95, sum by (service) (${rate('http_request_duration_seconds')}))`, legendFormat: '{{service}}' }] },
        { title: 'CPU', unit: 'percentunit', targets: [{ expr: `sum by (service) (${rate('process_cpu_seconds_total')})`, legendFormat: '{{service}}' }] },
        { title: 'Resident memory', unit: 'bytes', targets: [{ expr: 'sum by (service) (process_resident_memory_bytes)', legendFormat: '{{service}}' }] }
      ]
    },
    {
      title: 'Alerts',
      panels: [
        { title: 'Alerts firing by service', unit: 'short', targets: [{ expr: 'sum by (service, severity) (ALERTS{alertstate="firing"})', legendFormat: '{{service}} {{severity}}' }] },
        {
          title: 'Alert list',
          type: 'table',
          unit: 'short',
          columns: ['service', 'alertname', 'severity', 'alertstate'],
          targets: [{ expr: 'max by (service, alertname, severity, alertstate) (ALERTS)', legendFormat: '', format: 'table' }]
        }
      ]
    }
  ]
}

/** Every query of the dashboard, for tests. */
export function overviewQueries (): string[] {
  return queriesOf(OVERVIEW_DASHBOARD)
}

export function overviewDashboard (): Record<string, unknown> {
  return buildDashboard(OVERVIEW_DASHBOARD)
}
