import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireBinary } from './binaries.js'
import { freePort } from './free-port.js'
import { startDaemon } from './daemon.js'

export interface ScrapeJob {
  name: string
  /** `host:port` targets, scraped every second. */
  targets: string[]
  metricsPath?: string
}

export interface PrometheusOptions {
  jobs: ScrapeJob[]
  /** Rule files to load; they are evaluated every second. */
  ruleFiles?: string[]
  /** `host:port` of Alertmanagers to send alerts to. */
  alertmanagers?: string[]
  /** Labels Prometheus adds to every alert it sends (and to federation), e.g. `{ source: 'prometheus' }`. */
  externalLabels?: Record<string, string>
  /** Scrape and evaluation interval; default 1s, so tests see data at once. */
  interval?: string
  /** Listen on this port; a free one by default. */
  port?: number
  flags?: string[]
}

export interface PrometheusInstance {
  url: string
  /** An instant query; returns the `data.result` array. */
  query (promql: string): Promise<Array<{ metric: Record<string, string>, value: [number, string] }>>
  /** GET on the HTTP API; returns `data`. */
  api<T = unknown> (path: string): Promise<T>
  /** Its stderr so far (the last 20 kB). */
  log (): string
  stop (): Promise<void>
}

/** Starts a real Prometheus on 127.0.0.1 with a throwaway data directory. */
export async function startPrometheus (options: PrometheusOptions): Promise<PrometheusInstance> {
  const binary = requireBinary('PROMETHEUS', 'prometheus')
  const dir = await mkdtemp(join(tmpdir(), 'obs-prometheus-'))
  const port = options.port ?? await freePort()
  const config = [
    'global:',
    `  scrape_interval: ${options.interval ?? '1s'}`,
    `  evaluation_interval: ${options.interval ?? '1s'}`,
    options.externalLabels === undefined ? '' : `  external_labels: ${JSON.stringify(options.externalLabels)}`,
    options.ruleFiles === undefined ? '' : `rule_files:\n${options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}`,
    options.alertmanagers === undefined
      ? ''
      : `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [${options.alertmanagers.map((a) => JSON.stringify(a)).join(', ')}]`,
    'scrape_configs:',
    ...options.jobs.map((job) => [
      `  - job_name: ${JSON.stringify(job.name)}`,
      `    metrics_path: ${JSON.stringify(job.metricsPath ?? '/metrics')}`,
      '    static_configs:',
      `      - targets: [${job.targets.map((t) => JSON.stringify(t)).join(', ')}]`
    ].join('\n'))
  ].filter((line) => line !== '').join('\n')
  await writeFile(join(dir, 'prometheus.yml'), config)

  const url = `http://127.0.0.1:${port}`
  const daemon = await startDaemon('Prometheus', binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(options.flags ?? [])
  ], `${url}/-/ready`, dir)

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`)
    const body = await response.json() as { status: string, data: T, error?: string }
    if (body.status !== 'success') throw new Error(`Prometheus API ${path}: ${body.error ?? response.status}`)
    return body.data
  }
  return {
    url,
    api,
    query: async (promql) => (await api<{ result: Array<{ metric: Record<string, string>, value: [number, string] }> }>(
      `/api/v1/query?query=${encodeURIComponent(promql)}`)).result,
    log: daemon.log,
    stop: daemon.stop
  }
}
