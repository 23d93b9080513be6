import { test } from 'tap'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { buildApp } from './helpers.js'

const fast = { backoff: '20ms', maxBackoff: '100ms', retries: 2, timeout: '2s' }

/** Every line the app logs, as text, whatever the level. */
function captureLogs (app: Awaited<ReturnType<typeof buildApp>>): string[] {
  const lines: string[] = []
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
    app.log[level] = ((obj: unknown, msg?: string) => { lines.push(`${JSON.stringify(obj, (_k, v: unknown) => v instanceof Error ? { message: v.message, stack: v.stack } : v)} ${msg ?? ''}`) }) as typeof app.log.error
  }
  return lines
}

test('credentials in notifier URLs are delivered as an Authorization header, and never logged', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const url = `http://alerts:${encodeURIComponent('p@ss:word')}@127.0.0.1:${receiver.port}/hooks/s3cr3t-token?sig=qu3ry-s3cret`
  const app = await buildApp({ notifiers: { hook: { type: 'webhook', url } }, delivery: fast })
  t.teardown(() => app.close())
  const logs = captureLogs(app)
  app.alerts.raise({ title: 'WithCredentials', resolveAfter: false })
  const [request] = await receiver.waitForReceived(1)
  t.equal(request!.headers.authorization, `Basic ${Buffer.from('alerts:p@ss:word').toString('base64')}`)
  t.equal(request!.url, '/hooks/s3cr3t-token?sig=qu3ry-s3cret', 'the path and query as they were')
  // Down, then refusing: every log line about it leaves the secrets out.
  await receiver.down()
  app.alerts.raise({ title: 'WhileDown', resolveAfter: false })
  await waitFor('the endpoint said to be down', async () => logs.some((line) => line.includes('kept owed')) ? true : undefined)
  // The echoed path straddles the 200 characters of the answer that a log line keeps.
  receiver.respond((r) => ({ status: 400, body: `no such hook ${'.'.repeat(177)} ${r.url}` }))
  await receiver.up()
  t.ok(await app.alerts.flush(5000))
  t.ok(logs.some((line) => line.includes('answered 400')), 'the refusal is logged')
  for (const secret of ['p@ss', 'p%40ss', 's3cr3t', 'qu3ry', '/hooks/s3']) {
    t.notOk(logs.some((line) => line.includes(secret)), `no log line holds ${secret}`)
  }
  t.match(logs.join('\n'), /cannot reach http:\/\/127\.0\.0\.1:\d+\/…: ECONNREFUSED/, 'the URL is shown as scheme and host')
})

test('the secret path of a Slack webhook never reaches the logs', async (t) => {
  const receiver = await startReceiver({ down: true })
  t.teardown(() => receiver.close())
  const app = await buildApp({ notifiers: { slack: { type: 'slack', url: `${receiver.url}/services/T000/B000/XXXXsecretXXXX` } }, delivery: fast })
  t.teardown(() => app.close())
  const logs = captureLogs(app)
  app.alerts.raise({ title: 'SlackDown', resolveAfter: false })
  await waitFor('the endpoint said to be down', async () => logs.some((line) => line.includes('kept owed')) ? true : undefined)
  t.notOk(logs.some((line) => line.includes('XXXXsecret') || line.includes('T000')), 'no part of the path')
})
