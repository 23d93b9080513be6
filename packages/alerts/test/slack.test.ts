import { test } from 'tap'
import type { AlertNotification } from '../src/engine/alert.js'
import { emailSubject } from '../src/delivery/notifiers/email.js'
import { slackPayload } from '../src/delivery/notifiers/slack.js'
import type { Delivery } from '../src/delivery/types.js'
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
  t.equal(message.text, '[FIRING:2] QueueFull (critical): Queue &lt;jobs&gt; holds 12; Queue mail holds 40', 'the fallback text is escaped too')
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

test('a label cannot mention everyone: <!channel> in the text is escaped like the blocks', async (t) => {
  const slack = await startReceiver()
  t.teardown(() => slack.close())
  const app = await buildApp({ notifiers: { slack: { type: 'slack', url: slack.url } } })
  t.teardown(() => app.close())
  app.alerts.raise({ title: 'Queue <!channel> full <@U123>', labels: { queue: '<!here>' } })
  const [request] = await slack.waitForReceived(1)
  const message = request!.json as SlackMessage
  t.equal(message.text, '[FIRING] Queue &lt;!channel&gt; full &lt;@U123&gt; (warning): Queue &lt;!channel&gt; full &lt;@U123&gt;')
  t.notMatch(JSON.stringify(message.blocks.filter((b) => b.text?.type === 'mrkdwn')), /<!|<@/, 'no mention left in any mrkdwn text')
})

test('the title shows the highest severity of the message\'s firing alerts, not the first one\'s', async (t) => {
  const n = (severity: AlertNotification['alert']['severity'], status: 'firing' | 'resolved' = 'firing'): AlertNotification => ({
    status,
    repeat: false,
    idempotencyKey: `${severity}:${status}`,
    alert: {
      fingerprint: `000000000000000${severity.length}`,
      name: 'Availability',
      state: status,
      severity,
      source: 'rule',
      labels: { alertname: 'Availability', severity },
      annotations: { summary: severity },
      value: 1,
      activeAt: '2026-01-01T00:00:00.000Z',
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: null,
      acknowledged: null,
      channels: [],
      generatorURL: ''
    }
  })
  const delivery = (...notifications: AlertNotification[]): Delivery => ({ channel: 'c', groupKey: '{}:{alertname="Availability"}', alertname: 'Availability', notifications, resend: false })
  // An SLO's ticket and page, both named after the rule, in one message.
  t.equal((slackPayload(delivery(n('warning'), n('critical'))).blocks as Array<{ text: { text: string } }>)[0]!.text.text, '[FIRING:2] Availability (critical)')
  t.equal(emailSubject(delivery(n('warning'), n('critical'))), '[FIRING:2] Availability (critical)')
  t.equal(emailSubject(delivery(n('critical', 'resolved'), n('warning'))), '[FIRING:1] Availability (warning)', 'of the firing ones')
  t.equal(emailSubject(delivery(n('info', 'resolved'), n('error', 'resolved'))), '[RESOLVED] Availability (error)', 'of all when none fires')
})
