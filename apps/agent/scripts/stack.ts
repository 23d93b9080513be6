// The agent with a real Prometheus and Alertmanager on 127.0.0.1, from Debian's packages, no
// container engine needed:
//   pnpm --filter @obs/agent stack          (then: pnpm --filter @obs/agent load)
// Prometheus scrapes the agent every second and evaluates the rules exported from its own alert
// rules; alerts from Prometheus and from the agent's in-process engine go to Alertmanager, which
// sends them to a webhook receiver that prints them. Ctrl-C stops everything.
import { exportRules } from '@obs/alerts'
import { startAlertmanager, type AlertmanagerInstance } from '@obs/test-support/alertmanager'
import { freePort } from '@obs/test-support/free-port'
import { startPrometheus, type PrometheusInstance } from '@obs/test-support/prometheus'
import type { FastifyInstance } from 'fastify'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type RuleWindows, prometheusRules } from '../src/alert-rules.js'
import { buildAgentApp } from '../src/app.js'
import { type AgentConfig, readConfig } from '../src/config.js'
import type { LlmProvider } from '../src/llm/provider.js'
import { JOB } from './deploy-files.js'
import { type Received, startWebhookReceiver } from './webhook-receiver.js'

export interface StackOptions {
  /** Ports; 0 or none picks free ones (the agent's default is 3000 only from the command line). */
  agentPort?: number
  prometheusPort?: number
  alertmanagerPort?: number
  receiverPort?: number
  /** Overrides of the agent's configuration (read from the environment first). */
  config?: Partial<AgentConfig>
  provider?: LlmProvider
  /** Windows of the rules, for both Prometheus and the in-process engine. */
  windows?: RuleWindows
  /** Prometheus' scrape and evaluation interval. */
  interval?: string
  logger?: boolean | Record<string, unknown>
  /** Print what the webhook receiver gets. */
  printAlerts?: boolean
}

export interface Stack {
  app: FastifyInstance
  agentUrl: string
  prometheus: PrometheusInstance
  alertmanager: AlertmanagerInstance
  /** Notifications the webhook receiver got from Alertmanager. */
  received: Received[]
  stop (): Promise<void>
}

export async function startStack (options: StackOptions = {}): Promise<Stack> {
  const stops: Array<() => Promise<void>> = []
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step().catch(() => {})
  }
  try {
    const receiver = await startWebhookReceiver(options.receiverPort ?? 0, '127.0.0.1', options.printAlerts ?? false)
    stops.push(() => new Promise((resolve) => { receiver.server.closeAllConnections(); receiver.server.close(() => resolve()) }))
    const receiverPort = (receiver.server.address() as { port: number }).port

    const alertmanager = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${receiverPort}/alerts`,
      groupBy: ['alertname', 'route'],
      ...(options.alertmanagerPort === undefined ? {} : { port: options.alertmanagerPort })
    })
    stops.push(() => alertmanager.stop())

    const windows = options.windows ?? { window: '1m', for: '30s' }
    const port = options.agentPort === undefined || options.agentPort === 0 ? await freePort() : options.agentPort
    const config: AgentConfig = {
      ...readConfig(),
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      host: '127.0.0.1',
      alertmanagerUrl: alertmanager.url,
      alertWindow: windows.window,
      alertFor: windows.for,
      alertInterval: '5s',
      ...options.config
    }
    const app = await buildAgentApp({
      config,
      handleSignals: false,
      logger: options.logger ?? false,
      ...(options.provider === undefined ? {} : { provider: options.provider })
    })
    await app.listen({ port: config.port, host: '127.0.0.1' })
    stops.push(() => app.close())
    const agentPort = config.port

    const dir = await mkdtemp(join(tmpdir(), 'obs-agent-rules-'))
    stops.push(() => rm(dir, { recursive: true, force: true }))
    const ruleFile = join(dir, 'agent.rules.yml')
    await writeFile(ruleFile, exportRules(prometheusRules({ ...windows, service: config.serviceName }), { group: 'agent', match: { job: JOB } }).yaml)
    const prometheus = await startPrometheus({
      jobs: [{ name: JOB, targets: [`127.0.0.1:${agentPort}`] }],
      ruleFiles: [ruleFile],
      alertmanagers: [alertmanager.address],
      // Alerts from Prometheus and from the in-process engine carry the same labels; this one
      // tells them apart in Alertmanager.
      externalLabels: { source: 'prometheus' },
      interval: options.interval ?? '1s',
      flags: ['--enable-feature=exemplar-storage,native-histograms'],
      ...(options.prometheusPort === undefined ? {} : { port: options.prometheusPort })
    })
    stops.push(() => prometheus.stop())
    return { app, agentUrl: `http://127.0.0.1:${agentPort}`, prometheus, alertmanager, received: receiver.received, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stack = await startStack({
    agentPort: Number(process.env.PORT ?? 3000),
    prometheusPort: 9090,
    alertmanagerPort: 9093,
    receiverPort: 9099,
    printAlerts: true,
    logger: { level: process.env.LOG_LEVEL ?? 'warn' }
  })
  console.log([
    `agent         ${stack.agentUrl}  (POST /tasks, /metrics, /health/ready, /alerts)`,
    `prometheus    ${stack.prometheus.url}  (rules loaded: ${stack.prometheus.url}/rules)`,
    `alertmanager  ${stack.alertmanager.url}`,
    'webhook       http://127.0.0.1:9099/alerts (notifications are printed below)',
    'load:         pnpm --filter @obs/agent load',
    'stop:         Ctrl-C'
  ].join('\n'))
  const shutdown = (): void => {
    stack.stop().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}
