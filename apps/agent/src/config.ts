import type { Duration } from '@obs/alerts'

/** Everything the service reads from its environment, with the demo's defaults. */
export interface AgentConfig {
  port: number
  host: string
  /** How people reach the service, for links in alert notifications. */
  publicUrl: string
  serviceName: string
  environment: string
  /** Model used when a task does not name one. */
  defaultModel: string
  llmFailureRate: number
  llmLatencyScale: number
  llmTimeoutMs: number
  workers: number
  queueCapacity: number
  /** The model the critic agent scores answers with. */
  criticModel: string
  /** Answers kept in the cache. */
  cacheSize: number
  /** Tasks that failed every retry kept for people to look at; past it, the oldest go. */
  deadLetterCapacity: number
  /** From this many dead letters the queue health check warns. */
  deadLetterWarnAt: number
  /** How long `POST /tasks?wait=true` waits for the answer. */
  waitTimeoutMs: number
  /** Alertmanager to send the in-process engine's alerts to (API v2), if any. */
  alertmanagerUrl: string | undefined
  /** A webhook for alerts (Alertmanager webhook payload), if any. */
  alertWebhookUrl: string | undefined
  /** Evaluation interval of the in-process alert engine. */
  alertInterval: Duration
  /** Rule windows: the defaults suit production; tests shorten them. */
  alertWindow: Duration
  alertFor: Duration
  seed: number | undefined
  drainDelayMs: number
  /** Paths whose filesystem's size, free and used space are metrics (`disk_*_bytes`). */
  diskPaths: string[]
}

function number (env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`)
  return value
}

export function readConfig (env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const port = number(env, 'PORT', 3000)
  return {
    port,
    publicUrl: env.PUBLIC_URL ?? `http://127.0.0.1:${port}`,
    host: env.HOST ?? '0.0.0.0',
    serviceName: env.OTEL_SERVICE_NAME ?? 'agent',
    environment: env.DEPLOYMENT_ENVIRONMENT ?? 'dev',
    defaultModel: env.LLM_MODEL ?? 'sim-small',
    llmFailureRate: number(env, 'LLM_FAILURE_RATE', 0.02),
    llmLatencyScale: number(env, 'LLM_LATENCY_SCALE', 1),
    llmTimeoutMs: number(env, 'LLM_TIMEOUT_MS', 10_000),
    workers: number(env, 'WORKERS', 4),
    queueCapacity: number(env, 'QUEUE_CAPACITY', 500),
    criticModel: env.CRITIC_MODEL ?? 'sim-small',
    cacheSize: number(env, 'CACHE_SIZE', 500),
    deadLetterCapacity: number(env, 'DEAD_LETTER_CAPACITY', 1000),
    deadLetterWarnAt: number(env, 'DEAD_LETTER_WARN_AT', 100),
    waitTimeoutMs: number(env, 'WAIT_TIMEOUT_MS', 30_000),
    alertmanagerUrl: env.ALERTMANAGER_URL || undefined,
    alertWebhookUrl: env.ALERT_WEBHOOK_URL || undefined,
    alertInterval: (env.ALERT_INTERVAL ?? '15s') as Duration,
    alertWindow: (env.ALERT_WINDOW ?? '5m') as Duration,
    alertFor: (env.ALERT_FOR ?? '2m') as Duration,
    seed: env.SEED === undefined ? undefined : number(env, 'SEED', 0),
    drainDelayMs: number(env, 'DRAIN_DELAY_MS', 5000),
    diskPaths: (env.DISK_PATHS ?? '/').split(',').map((path) => path.trim()).filter((path) => path !== '')
  }
}
