// deploy/alertmanager/alertmanager.yml as Alertmanager runs it: amtool's routing, and a real
// Alertmanager with that configuration notifying both receivers, the webhook and Slack (whose
// URL the test's receiver stands in for, as the compose stack's does).
import { test } from 'tap'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { startAlertmanager } from '@obs/test-support/alertmanager'
import { requireBinary } from '@obs/test-support/binaries'
import { run } from '@obs/test-support/run'
import { waitFor } from '@obs/test-support/wait-for'
import { runbookUrl } from '../src/alert-rules.js'
import { AGENT_ROOT } from '../scripts/deploy-files.js'
import { startWebhookReceiver } from '../scripts/webhook-receiver.js'

const CONFIG = join(AGENT_ROOT, 'deploy/alertmanager/alertmanager.yml')

interface Route { group_wait?: string, group_interval?: string, routes?: Route[] }

test('amtool: every alert goes to the Slack channel and to the webhook, whatever its severity', async (t) => {
  const amtool = requireBinary('AMTOOL', 'amtool')
  for (const severity of ['critical', 'error', 'warning', 'info']) {
    const routed = await run(amtool, ['config', 'routes', 'test', `--config.file=${CONFIG}`, `severity=${severity}`, 'alertname=AgentHighErrorRatio', 'route=/tasks'])
    t.equal(routed.stdout.trim(), 'slack,webhook', `${severity}: ${routed.stderr}`)
  }
})

test('a real Alertmanager with the deploy configuration notifies the webhook, and Slack with the summary and the runbook', async (t) => {
  const receiver = await startWebhookReceiver(0, '127.0.0.1', false)
  t.teardown(() => new Promise<void>((resolve) => { receiver.server.closeAllConnections(); receiver.server.close(() => resolve()) }))
  const receiverUrl = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}`
  const dir = await mkdtemp(join(tmpdir(), 'obs-agent-alertmanager-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  // The configuration as it is, but for where things are on this machine and shorter waits.
  const config = parse((await readFile(CONFIG, 'utf8')).replaceAll('http://alert-receiver:9099', receiverUrl))
  await writeFile(join(dir, 'slack-webhook-url'), `${receiverUrl}/slack\n`)
  config.global.slack_api_url_file = join(dir, 'slack-webhook-url')
  const hurry = (route: Route): void => {
    if (route.group_wait !== undefined) route.group_wait = '1s'
    if (route.group_interval !== undefined) route.group_interval = '1s'
    route.routes?.forEach(hurry)
  }
  hurry(config.route)
  const alertmanager = await startAlertmanager({ config: stringify(config) })
  t.teardown(() => alertmanager.stop())

  await alertmanager.api.postAlerts([{
    labels: { alertname: 'AgentHighErrorRatio', route: '/tasks', severity: 'critical', team: 'agent', service: 'agent' },
    annotations: { summary: 'Route /tasks fails 40% of requests', description: 'More than 5% of requests to a route fail with a 5xx.', runbook_url: runbookUrl('AgentHighErrorRatio') },
    generatorURL: 'http://prometheus:9090/graph'
  }])

  const byPath = (path: string) => waitFor(`a notification on ${path}`, async () => receiver.received.find((r) => r.path === path)?.body, 30_000)
  const webhook = await byPath('/alerts') as { receiver: string, alerts: Array<{ labels: Record<string, string> }> }
  t.equal(webhook.receiver, 'webhook')
  t.equal(webhook.alerts[0]?.labels.alertname, 'AgentHighErrorRatio')

  const slack = await byPath('/slack') as { channel: string, attachments: Array<{ title: string, text: string, color: string, actions: Array<{ text: string, url: string }> }> }
  t.equal(slack.channel, '#agent-alerts')
  const [attachment] = slack.attachments
  t.equal(attachment?.title, '[FIRING] AgentHighErrorRatio on /tasks')
  t.equal(attachment?.color, 'danger')
  t.match(attachment?.text, /^\*Route \/tasks fails 40% of requests\*\nMore than 5% of requests to a route fail with a 5xx\.\n$/)
  t.same(attachment?.actions.map((a) => [a.text, a.url]), [['Runbook', runbookUrl('AgentHighErrorRatio')]])
})
