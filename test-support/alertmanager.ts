import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireBinary } from './binaries.js'
import { startDaemon } from './daemon.js'
import { freePort } from './free-port.js'

export interface AlertmanagerOptions {
  /** Every alert is routed to one webhook receiver at this URL (with resolved notifications). */
  webhookUrl?: string
  /** Route timings; the defaults notify within a second or so, for tests. */
  groupWait?: string
  groupInterval?: string
  repeatInterval?: string
  /** Labels to group by (default: alertname). */
  groupBy?: string[]
  /** A whole alertmanager.yml instead of the generated one. */
  config?: string
  /** Listen on this port (to restart one where clients expect it); a free one by default. */
  port?: number
  flags?: string[]
}

/** An alert as `GET /api/v2/alerts` lists it. */
export interface GettableAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  updatedAt: string
  generatorURL?: string
  fingerprint: string
  receivers: Array<{ name: string }>
  status: { state: 'active' | 'suppressed' | 'unprocessed', silencedBy: string[], inhibitedBy: string[] }
}

export interface PostableAlert {
  labels: Record<string, string>
  annotations?: Record<string, string>
  startsAt?: string
  endsAt?: string
  generatorURL?: string
}

export interface AlertmanagerInstance {
  /** `http://127.0.0.1:<port>`. */
  url: string
  /** `127.0.0.1:<port>`, as Prometheus' `alerting.alertmanagers` targets take it. */
  address: string
  api: {
    /** `GET /api/v2/alerts`, with optional filters (`active`, `silenced`, `inhibited`, `unprocessed`, `filter`). */
    alerts (query?: Record<string, string | boolean | string[]>): Promise<GettableAlert[]>
    /** `POST /api/v2/alerts`. */
    postAlerts (alerts: PostableAlert[]): Promise<void>
    /** `GET /api/v2/status`. */
    status (): Promise<unknown>
  }
  /** The stderr of the process so far (the last 20 kB). */
  log (): string
  stop (): Promise<void>
}

/**
 * Starts a real Alertmanager (Debian's `prometheus-alertmanager`) on 127.0.0.1 with a throwaway
 * storage directory and clustering off. By default every alert goes to one webhook receiver at
 * `webhookUrl`, grouped by alertname, resolved notifications on, with short timings.
 */
export async function startAlertmanager (options: AlertmanagerOptions = {}): Promise<AlertmanagerInstance> {
  const binary = requireBinary('ALERTMANAGER', 'prometheus-alertmanager', 'alertmanager')
  const dir = await mkdtemp(join(tmpdir(), 'obs-alertmanager-'))
  const port = options.port ?? await freePort()
  const receiver = options.webhookUrl === undefined
    ? '  - name: default'
    : ['  - name: default', '    webhook_configs:', `      - url: ${JSON.stringify(options.webhookUrl)}`, '        send_resolved: true'].join('\n')
  const config = options.config ?? [
    'route:',
    '  receiver: default',
    `  group_by: [${(options.groupBy ?? ['alertname']).map((l) => JSON.stringify(l)).join(', ')}]`,
    `  group_wait: ${options.groupWait ?? '1s'}`,
    `  group_interval: ${options.groupInterval ?? '1s'}`,
    `  repeat_interval: ${options.repeatInterval ?? '1h'}`,
    'receivers:',
    receiver
  ].join('\n')
  await writeFile(join(dir, 'alertmanager.yml'), config)

  const url = `http://127.0.0.1:${port}`
  const daemon = await startDaemon('Alertmanager', binary, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // An empty address turns clustering (and its port 9094) off.
    '--cluster.listen-address=',
    ...(options.flags ?? [])
  ], `${url}/-/ready`, dir)

  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${url}${path}`, init)
    const text = await response.text()
    if (!response.ok) throw new Error(`Alertmanager ${init?.method ?? 'GET'} ${path}: ${response.status} ${text}`)
    return (text === '' ? undefined : JSON.parse(text)) as T
  }
  return {
    url,
    address: `127.0.0.1:${port}`,
    api: {
      alerts: (query = {}) => {
        const params = new URLSearchParams()
        for (const [key, value] of Object.entries(query)) {
          for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
        }
        const qs = params.toString()
        return call<GettableAlert[]>(`/api/v2/alerts${qs === '' ? '' : `?${qs}`}`)
      },
      postAlerts: async (alerts) => {
        await call('/api/v2/alerts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) })
      },
      status: () => call('/api/v2/status')
    },
    log: daemon.log,
    stop: daemon.stop
  }
}
