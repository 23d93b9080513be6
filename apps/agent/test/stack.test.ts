import { test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { waitFor } from '@obs/test-support/wait-for'
import { prometheusRules } from '../src/alert-rules.js'
import { SimulatedProvider } from '../src/llm/simulated-provider.js'
import { dashboardQueries } from '../scripts/dashboard.js'
import { overviewQueries } from '../scripts/overview-dashboard.js'
import { runLoad } from '../scripts/load.js'
import { startStack } from '../scripts/stack.js'

interface WebhookAlert { labels: Record<string, string>, status: string, generatorURL: string }

test('the whole stack: Prometheus scrapes, loads the exported rules, fires on injected failures, and both engines reach Alertmanager', async (t) => {
  const provider = new SimulatedProvider({ failureRate: 0.1, latencyScale: 0.01, seed: 11 })
  // Short windows (the same rules, parametrised) so that the alert fires within seconds.
  const stack = await startStack({
    provider,
    windows: { window: '20s', for: '0s' },
    config: { alertInterval: '1s', cacheSize: 20, llmLatencyScale: 0.01 }
  })
  t.teardown(() => stack.stop())
  const { prometheus, alertmanager, agentUrl } = stack

  const up = await waitFor('up{job="agent"}', async () => (await prometheus.query('up{job="agent"}'))[0]?.value[1] === '1' ? true : undefined)
  t.ok(up, 'Prometheus scrapes the agent: up is 1')
  const rules = await prometheus.api<{ groups: Array<{ rules: Array<{ name: string, health: string }> }> }>('/api/v1/rules')
  const loaded = rules.groups.flatMap((g) => g.rules)
  for (const { name } of prometheusRules()) {
    t.ok(loaded.some((r) => r.name === name && r.health === 'ok'), `rule ${name} is loaded and healthy`)
  }

  // Normal traffic, with the model failing a tenth of its calls.
  const load = await runLoad(agentUrl, 12, 4)
  t.ok(load.requests > 100, `load sent ${load.requests} requests`)
  t.equal(load.errors, 0)
  const firingInPrometheus = (alertname: string) => waitFor(`${alertname} firing in Prometheus`, async () =>
    (await prometheus.query(`ALERTS{alertname="${alertname}",alertstate="firing"}`))[0]?.metric, 60_000)
  // The load asks for a division by zero: the calculator fails a third of its calls.
  t.match(await firingInPrometheus('AgentToolErrorRatio'), { gen_ai_tool_name: 'calculator', severity: 'warning' }, 'AgentToolErrorRatio fires')

  // Inject failures: the model fails every call; new questions miss the cache and end in 502.
  // They are spread over several scrapes: Prometheus sees no increase in a series whose first
  // sample already holds its whole count.
  provider.failureRate = 1
  const failures: number[] = []
  for (let batch = 0; batch < 8; batch++) {
    failures.push(...await Promise.all(Array.from({ length: 5 }, (_, i) => fetch(`${agentUrl}/tasks?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `Why did request ${batch}.${i} fail?` })
    }).then((response) => response.status))))
    await sleep(500)
  }
  t.ok(failures.every((status) => status === 502), 'every task failed upstream')

  const firing = await waitFor('AgentHighErrorRatio firing in Prometheus', async () => {
    const [alert] = await prometheus.query('ALERTS{alertname="AgentHighErrorRatio",alertstate="firing"}')
    return alert
  }, 60_000)
  t.equal(firing.metric.route, '/tasks')
  t.equal(firing.metric.severity, 'critical')
  // The same failures: tasks failed and were dead-lettered.
  for (const alertname of ['AgentTaskFailureRatio', 'AgentPipelineFailures']) {
    t.match(await firingInPrometheus(alertname), { service: 'agent', team: 'agent' }, `${alertname} fires`)
  }

  const inAlertmanager = await waitFor('both engines\' alerts in Alertmanager', async () => {
    const alerts = await alertmanager.api.alerts({ filter: 'alertname="AgentHighErrorRatio"' })
    const fromPrometheus = alerts.find((a) => a.labels.source === 'prometheus')
    const fromService = alerts.find((a) => a.labels.source === undefined && a.generatorURL?.startsWith(agentUrl))
    return fromPrometheus !== undefined && fromService !== undefined ? { fromPrometheus, fromService } : undefined
  }, 60_000)
  t.equal(inAlertmanager.fromPrometheus.labels.route, '/tasks', 'from Prometheus, with the route')
  t.equal(inAlertmanager.fromService.labels.route, '/tasks', 'from the in-process engine, with the route')

  const notified = await waitFor('the webhook receiver to get the alert', async () => {
    const alerts = stack.received.flatMap((r) => (r.body as { alerts?: WebhookAlert[] }).alerts ?? [])
    return alerts.find((a) => a.labels.alertname === 'AgentHighErrorRatio' && a.status === 'firing')
  }, 60_000)
  t.equal(notified.labels.team, 'agent')

  // Every query of the Grafana dashboards runs against this Prometheus and returns data.
  for (const query of [...dashboardQueries(), ...overviewQueries()]) {
    const promql = query.replaceAll('$__rate_interval', '1m').replaceAll('$service', '.*')
    const result = await prometheus.query(promql)
    t.ok(result.some((sample) => Number.isFinite(Number(sample.value[1]))), `dashboard query returns a number: ${query}`)
  }

  // The service goes away: Prometheus cannot scrape it, and says so.
  await stack.app.close()
  t.match(await firingInPrometheus('AgentDown'), { job: 'agent', instance: new URL(agentUrl).host, severity: 'critical' }, 'AgentDown fires for the instance')
})
