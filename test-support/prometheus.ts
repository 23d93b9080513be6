import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireBinary } from './binaries.js'
import { freePort } from './free-port.js'
import { waitFor } from './wait-for.js'

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
  flags?: string[]
}

export interface PrometheusInstance {
  url: string
  /** An instant query; returns the `data.result` array. */
  query (promql: string): Promise<Array<{ metric: Record<string, string>, value: [number, string] }>>
  /** GET on the HTTP API; returns `data`. */
  api<T = unknown> (path: string): Promise<T>
  stop (): Promise<void>
}

/** Starts a real Prometheus on 127.0.0.1 with a throwaway data directory. */
export async function startPrometheus (options: PrometheusOptions): Promise<PrometheusInstance> {
  const binary = requireBinary('PROMETHEUS', 'prometheus')
  const dir = await mkdtemp(join(tmpdir(), 'obs-prometheus-'))
  const port = await freePort()
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
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

  const child: ChildProcess = spawn(binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(options.flags ?? [])
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { log = (log + chunk).slice(-20_000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const url = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitFor('Prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`)
      const response = await fetch(`${url}/-/ready`)
      return response.ok ? true : undefined
    })
  } catch (error) {
    await stop()
    throw error
  }

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
    stop
  }
}
