// Grafana dashboards as code: the model the dashboards are written in, and its JSON (schema 39).

export interface Target {
  expr: string
  legendFormat: string
  /** `table` for an instant table of labels; `heatmap` for bucket counts by `le`. */
  format?: 'table' | 'heatmap'
}
export interface Panel {
  title: string
  unit: string
  targets: Target[]
  description?: string
  /** Default `timeseries`. */
  type?: 'timeseries' | 'stat' | 'heatmap' | 'table'
  /** Columns of a table panel, in order; the others (time, value) are hidden. */
  columns?: string[]
}
export interface Row { title: string, panels: Panel[] }
export interface DashboardSpec {
  uid: string
  title: string
  tags: string[]
  rows: readonly Row[]
  /** A `service` variable (label values of http_requests_total) for the queries' `$service`. */
  serviceVariable: boolean
}

// Grafana fills in `${datasource}`: built by concatenation, it is not a template literal by mistake.
const DATASOURCE = { type: 'prometheus', uid: '$' + '{datasource}' }

/** Every query of a dashboard, for tests. */
export function queriesOf (spec: DashboardSpec): string[] {
  return spec.rows.flatMap((row) => row.panels.flatMap((panel) => panel.targets.map((target) => target.expr)))
}

/** What each panel type shows, beyond its queries. */
function options (panel: Panel): Record<string, unknown> {
  switch (panel.type ?? 'timeseries') {
    case 'stat':
      return { options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'none', textMode: 'value_and_name' } }
    case 'heatmap':
      return { options: { calculate: false, yAxis: { unit: panel.unit }, cellGap: 1, color: { mode: 'scheme', scheme: 'Oranges', steps: 64 }, tooltip: { mode: 'single', yHistogram: true } } }
    case 'table': {
      const columns = panel.columns ?? []
      return {
        options: { showHeader: true, cellHeight: 'sm' },
        transformations: [{
          id: 'organize',
          options: { excludeByName: { Time: true, Value: true }, indexByName: Object.fromEntries(columns.map((column, i) => [column, i])) }
        }]
      }
    }
    default:
      return { options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } } }
  }
}

/** The dashboard as Grafana's JSON model, with a Prometheus data-source variable. */
export function buildDashboard (spec: DashboardSpec): Record<string, unknown> {
  const panels: Array<Record<string, unknown>> = []
  let id = 1
  let y = 0
  for (const row of spec.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: y++ }, panels: [] })
    row.panels.forEach((panel, i) => {
      panels.push({
        id: id++,
        type: panel.type ?? 'timeseries',
        title: panel.title,
        ...(panel.description === undefined ? {} : { description: panel.description }),
        datasource: DATASOURCE,
        gridPos: { h: 8, w: 8, x: (i % 3) * 8, y: y + Math.floor(i / 3) * 8 },
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        ...options(panel),
        targets: panel.targets.map((target, j) => ({
          refId: String.fromCharCode(65 + j),
          datasource: DATASOURCE,
          expr: target.expr,
          legendFormat: target.legendFormat,
          ...(target.format === undefined ? {} : { format: target.format }),
          ...(target.format === 'table' ? { instant: true, range: false } : {})
        }))
      })
    })
    y += Math.ceil(row.panels.length / 3) * 8
  }
  const service = {
    name: 'service',
    type: 'query',
    datasource: DATASOURCE,
    query: { query: 'label_values(http_requests_total, service)', refId: 'service' },
    definition: 'label_values(http_requests_total, service)',
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    refresh: 2
  }
  return {
    uid: spec.uid,
    title: spec.title,
    tags: spec.tags,
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        ...(spec.serviceVariable ? [service] : [])
      ]
    },
    annotations: { list: [] },
    panels
  }
}
