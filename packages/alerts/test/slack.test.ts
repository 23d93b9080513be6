import { test } from 'tap'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { buildApp, ManualClock } from './helpers.js'

interface SlackMessage {
  text: string
  blocks: Array<{ type: string, text?: { type: string, text: string }, elements?: unknown[] }>
  username?: string
  icon_emoji?: string
  channel?: string
}

test('Slack gets an incoming-webhook message: text, header and one section per alert, escaped', async (t) => {
  const slack = await startReceiver({ respond: () => ({ status: 200, body: 'ok' }) })
  t.teardown(() => slack.close())
  const clock = new ManualClock()
  const app = await buildApp({
    now: clock.now,
    externalUrl: 'https://agent.example.com',
    notifiers: { slack: { type: 'slack', url: `${slack.url}/services/T000/B000/XXXX`, username: 'alerts', iconEmoji: ':bell:' } },
    rules: [{ kind: 'gauge', name: 'QueueFull', metric: 'queue', above: 10, severity: 'critical', description: 'Queue <jobs> & co is full', annotations: { summary: 'Queue {{ $labels.name }} holds {{ $value }}' } }]
  })
  t.teardown(() => app.close())
  const queue = app.metrics.gauge({ name: 'queue', help: 'Queue.', labelNames: ['name'] })
  queue.set({ name: '<jobs>' }, 12)
  queue.set({ name: 'mail' }, 40)
  await app.alerts.evaluate()
  const [request] = await slack.waitForReceived(1)
  t.equal(request!.url, '/services/T000/B000/XXXX')
  const message = request!.json as SlackMessage
  t.equal(message.text, '[FIRING:2] QueueFull (critical): Queue <jobs> holds 12; Queue mail holds 40')
  t.same(message.blocks[0], { type: 'header', text: { type: 'plain_text', text: '[FIRING:2] QueueFull (critical)' } })
  t.equal(message.blocks.length, 3, 'a header and a section per alert')
  const section = message.blocks[1]!.text!
  t.equal(section.type, 'mrkdwn')
  t.match(section.text, /^:rotating_light: \*Queue &lt;jobs&gt; holds 12\* <https:\/\/agent\.example\.com\/alerts\/[0-9a-f]{16}\|details>\n/, 'escaped for mrkdwn, with a link')
  t.match(section.text, /Queue &lt;jobs&gt; &amp; co is full/)
  t.equal(message.username, 'alerts')
  t.equal(message.icon_emoji, ':bell:')

  queue.set({ name: '<jobs>' }, 0)
  queue.set({ name: 'mail' }, 0)
  await app.alerts.evaluate()
  const [, resolved] = await slack.waitForReceived(2)
  t.match((resolved!.json as SlackMessage).text, /^\[RESOLVED\] QueueFull \(critical\)/)
  t.match((resolved!.json as SlackMessage).blocks[1]!.text!.text, /^:white_check_mark: /)
})

test('Slack rate limiting (429 with Retry-After) is waited out; an unknown webhook (404) is not retried', async (t) => {
  let answers: Array<{ status: number, headers?: Record<string, string>, body: string }> = [{ status: 429, headers: { 'retry-after': '0' }, body: 'rate_limited' }, { status: 200, body: 'ok' }]
  const slack = await startReceiver({ respond: () => answers.shift() ?? { status: 404, body: 'no_service' } })
  t.teardown(() => slack.close())
  const app = await buildApp({ notifiers: { slack: { type: 'slack', url: slack.url } }, delivery: { backoff: '10s', maxBackoff: '1m' } })
  t.teardown(() => app.close())
  app.alerts.raise({ title: 'Limited' })
  await slack.waitForReceived(1)
  t.equal(slack.all.length, 2, 'retried after Retry-After: 0, not after the 10 s backoff')
  answers = []
  app.alerts.raise({ title: 'Gone' })
  await app.alerts.flush()
  t.equal(slack.all.length, 3)
  t.match((await app.inject('/metrics')).body, /obs_alerts_notifications_failed_total\{channel="slack",reason="rejected"\} 1/)
})
