import { test } from 'tap'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import { requireBinary } from '@obs/test-support/binaries'
import { checkRules } from '@obs/test-support/promtool'
import { run } from '@obs/test-support/run'
import { AGENT_ROOT, deployFiles } from '../scripts/deploy-files.js'
import { buildTestApp } from './helpers.js'

const read = (path: string): Promise<string> => readFile(join(AGENT_ROOT, path), 'utf8')

test('the checked-in rule files and dashboard are what the app exports (regenerate: pnpm --filter @obs/agent deploy-files)', async (t) => {
  for (const [path, content] of Object.entries(deployFiles())) {
    t.equal(await read(path), content, `${path} is up to date`)
  }
})

test('every alert links to its section of the runbooks, and every section is an alert', async (t) => {
  const { groups } = parse(await read('deploy/prometheus/rules/agent.rules.yml')) as { groups: Array<{ rules: Array<{ alert?: string, annotations?: Record<string, string> }> }> }
  const alerts = groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined)
  // GitHub anchors a heading by its text in lower case: an alert name is its own anchor.
  const sections = [...(await read('docs/runbooks.md')).matchAll(/^## (\S+)$/gm)].map((m) => m[1]!)
  for (const rule of alerts) {
    const url = new URL(rule.annotations!.runbook_url!)
    t.equal(url.pathname.endsWith('/apps/agent/docs/runbooks.md') && url.hash, `#${rule.alert!.toLowerCase()}`, `${rule.alert} links to its section`)
    t.ok(sections.includes(rule.alert!), `the runbooks have a section ${rule.alert}`)
  }
  t.same([...new Set(alerts.map((rule) => rule.alert))].sort(), [...sections].sort(), 'one section per alert, none left over')
})

test('promtool accepts the rule file and the rules of the PrometheusRule', async (t) => {
  const rules = await checkRules(join(AGENT_ROOT, 'deploy/prometheus/rules/agent.rules.yml'))
  t.equal(rules.code, 0, rules.stdout + rules.stderr)
  const resource = parse(await read('deploy/kubernetes/prometheusrule.yaml'))
  t.equal(resource.kind, 'PrometheusRule')
  t.equal(resource.apiVersion, 'monitoring.coreos.com/v1')
  const dir = await mkdtemp(join(tmpdir(), 'obs-prometheusrule-'))
  await writeFile(join(dir, 'rules.yml'), JSON.stringify(resource.spec))
  const spec = await checkRules(join(dir, 'rules.yml'))
  t.equal(spec.code, 0, spec.stdout + spec.stderr)
})

test('promtool accepts the Prometheus config and amtool the Alertmanager config', async (t) => {
  const promtool = await run(requireBinary('PROMTOOL', 'promtool'), ['check', 'config', '--syntax-only', join(AGENT_ROOT, 'deploy/prometheus/prometheus.yml')])
  t.equal(promtool.code, 0, promtool.stdout + promtool.stderr)
  const amtool = await run(requireBinary('AMTOOL', 'amtool'), ['check-config', join(AGENT_ROOT, 'deploy/alertmanager/alertmanager.yml')])
  t.equal(amtool.code, 0, amtool.stdout + amtool.stderr)
})

test('the Kubernetes manifests and the compose file are valid YAML whose probes point at routes that exist', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const routeExists = (path: string): boolean => app.hasRoute({ method: 'GET', url: path })

  const deployment = parse(await read('deploy/kubernetes/deployment.yaml'))
  t.equal(deployment.kind, 'Deployment')
  const [container] = deployment.spec.template.spec.containers
  const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort
  const probes = { startupProbe: '/health/startup', livenessProbe: '/health/live', readinessProbe: '/health/ready' } as const
  for (const [probe, path] of Object.entries(probes)) {
    const spec = container[probe]
    t.equal(spec.httpGet.path, path, `${probe} path`)
    t.ok(routeExists(spec.httpGet.path), `${probe} points at a route that exists`)
    t.equal(spec.httpGet.port, 'http')
    t.ok(spec.timeoutSeconds * 1000 > 800, `${probe} timeout is above the probe deadline`)
  }
  t.equal(port, 3000)
  t.equal(container.env.find((e: { name: string }) => e.name === 'PORT').value, '3000')
  const drainMs = Number(container.env.find((e: { name: string }) => e.name === 'DRAIN_DELAY_MS').value)
  const readiness = container.readinessProbe
  t.ok(drainMs > readiness.periodSeconds * readiness.failureThreshold * 1000, 'the drain outlasts readiness noticing the shutdown')
  const waitMs = Number(container.env.find((e: { name: string }) => e.name === 'WAIT_TIMEOUT_MS').value)
  t.ok(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000 > drainMs + waitMs + 5000,
    'the grace period outlasts the drain, the longest request and the margin the service exits after')
  t.same(deployment.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'agent' })

  const service = parse(await read('deploy/kubernetes/service.yaml'))
  t.same(service.spec.selector, deployment.spec.selector.matchLabels, 'the Service selects the pods')
  const monitor = parse(await read('deploy/kubernetes/servicemonitor.yaml'))
  t.equal(monitor.spec.endpoints[0].path, '/metrics')
  t.ok(app.hasRoute({ method: 'GET', url: monitor.spec.endpoints[0].path }))
  t.equal(monitor.spec.endpoints[0].port, service.spec.ports[0].name)

  const composeDocs = parseAllDocuments(await read('deploy/compose.yaml'))
  t.equal(composeDocs.length, 1)
  t.same(composeDocs[0]!.errors, [])
  const compose = composeDocs[0]!.toJS()
  t.same(Object.keys(compose.services).sort(), ['agent', 'alert-receiver', 'alertmanager', 'grafana', 'jaeger', 'loki', 'otel-collector', 'prometheus'])
  const healthcheck = compose.services.agent.healthcheck.test.join(' ')
  const probePath = /http:\/\/127\.0\.0\.1:3000(\/[^'"]+)/.exec(healthcheck)![1]!
  t.ok(routeExists(probePath), `the compose healthcheck (${probePath}) points at a route that exists`)
  t.equal(compose.services.agent.environment.ALERTMANAGER_URL, 'http://alertmanager:9093')

  const prometheus = parse(await read('deploy/prometheus/prometheus.yml'))
  const job = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === 'agent')
  t.same(job.static_configs[0].targets, ['agent:3000'])
  t.ok(app.hasRoute({ method: 'GET', url: job.metrics_path }))
  const alertmanager = parse(await read('deploy/alertmanager/alertmanager.yml'))
  t.match(alertmanager.receivers[0].webhook_configs[0].url, /^http:\/\/alert-receiver:9099\//)
  // The Slack receiver's URL is a file the compose stack mounts (pointing at its own receiver until replaced).
  t.equal(alertmanager.receivers[1].name, 'slack')
  t.ok(compose.services.alertmanager.volumes.includes(`./alertmanager/slack-webhook-url:${alertmanager.global.slack_api_url_file}:ro`), 'compose mounts the Slack URL where the config reads it')
  t.equal(await read('deploy/alertmanager/slack-webhook-url'), 'http://alert-receiver:9099/slack\n')
})

test('the Grafana dashboards are valid JSON with a query on every panel, and cover what seeds 002 and 003 ask for', async (t) => {
  const panelsOf = async (file: string): Promise<Array<{ type: string, title: string, targets: Array<{ expr: string, format?: string }> }>> =>
    JSON.parse(await read(`deploy/grafana/dashboards/${file}`)).panels.filter((p: { type: string }) => p.type !== 'row')
  const agent = await panelsOf('agent.json')
  const overview = await panelsOf('overview.json')
  for (const panel of [...agent, ...overview]) t.ok(panel.targets.length > 0 && panel.targets.every((target) => target.expr.length > 0), panel.title)
  const titles = agent.map((p) => p.title)
  for (const topic of ['Request rate', 'Error ratio', 'Duration p95', 'Tokens', 'Cost', 'Model latency', 'Tool', 'Cache hit', 'Cache size', 'Queue size', 'Checks up', 'Burn rate', 'Error budget',
    'Calls by agent', 'Success ratio by agent', 'Task duration p95 by type', 'CPU', 'Uptime', 'Disk used', 'Disk free', 'Alert list']) {
    t.ok(titles.some((title) => title.startsWith(topic)), `agent dashboard: ${topic}`)
  }
  const heatmap = agent.find((p) => p.title === 'Quality score distribution')!
  t.equal(heatmap.type, 'heatmap')
  t.equal(heatmap.targets[0]!.format, 'heatmap')
  t.match(heatmap.targets[0]!.expr, /^sum by \(le\) \(increase\(agent_quality_score_bucket/)
  t.same(agent.filter((p) => p.type === 'table').map((p) => [p.title, p.targets[0]!.format]), [['Alert list', 'table']])
  t.same(overview.map((p) => p.title), ['Instances up', 'Request rate', 'Error ratio (5xx)', 'Duration p95', 'CPU', 'Resident memory', 'Alerts firing by service', 'Alert list'])
  t.ok(overview.every((p) => p.targets.every((target) => /by \((job|service|le, service)\b|by \(service,/.test(target.expr))), 'the overview is by service (or scrape job)')
})
