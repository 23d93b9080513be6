import { test } from 'tap'
import { buildApp } from './helpers.js'
import { startSmtpReceiver } from './smtp-receiver.js'
import { waitFor } from '../../../test-support/wait-for.js'

test('email goes over SMTP to a real server on 127.0.0.1, with auth, subject, text and HTML', async (t) => {
  const smtp = await startSmtpReceiver({ user: 'alerts', pass: 'pw' })
  t.teardown(() => smtp.down())
  const app = await buildApp({
    notifiers: {
      mail: { type: 'email', smtp: { host: '127.0.0.1', port: smtp.port, auth: { user: 'alerts', pass: 'pw' } }, from: 'alerts@agent.example.com', to: ['oncall@example.com', 'lead@example.com'], subjectPrefix: '[agent-prod]' }
    }
  })
  t.teardown(() => app.close())
  const alert = app.alerts.raise({ title: 'Disk <almost> full', message: 'Only 2% left on /var', severity: 'critical', metadata: { mount: '/var' }, resolveAfter: false })
  const [mail] = await smtp.waitForMessages(1)
  t.equal(mail!.subject, '[agent-prod] [FIRING:1] Disk <almost> full (critical)')
  t.equal(mail!.from?.text, 'alerts@agent.example.com')
  t.same(smtp.recipients[0], ['oncall@example.com', 'lead@example.com'])
  t.match(mail!.text, /^FIRING: Disk <almost> full\nOnly 2% left on \/var\nSeverity: critical\nLabels: alertname=Disk <almost> full, severity=critical\nmount: \/var\nStarted: [^\n]+\n$/, 'no link without externalUrl')
  t.match(mail!.html, /<strong>FIRING: Disk &lt;almost&gt; full<\/strong>/, 'HTML is escaped')
  t.equal(mail!.headers.get('x-idempotency-key'), `${alert.fingerprint}:firing:${alert.startsAt}`, 'the idempotency key, for receivers that drop repeats')
  app.alerts.resolve(alert.fingerprint)
  const [, resolved] = await smtp.waitForMessages(2)
  t.equal(resolved!.subject, '[agent-prod] [RESOLVED] Disk <almost> full (critical)')
  t.match(resolved!.text, /^RESOLVED: /)
})

test('an SMTP server that is down and then back gets the email; wrong credentials are not retried', async (t) => {
  const smtp = await startSmtpReceiver({ user: 'alerts', pass: 'pw', down: true })
  t.teardown(() => smtp.down())
  const warnings: string[] = []
  const errors: string[] = []
  const app = await buildApp({
    notifiers: {
      mail: { type: 'email', smtp: { host: '127.0.0.1', port: smtp.port, auth: { user: 'alerts', pass: 'pw' } }, from: 'a@example.com', to: 'b@example.com' },
      badAuth: { type: 'email', smtp: { host: '127.0.0.1', port: smtp.port, auth: { user: 'alerts', pass: 'wrong' } }, from: 'a@example.com', to: 'b@example.com' }
    },
    routing: { critical: ['mail'], warning: ['badAuth'] },
    delivery: { backoff: '20ms', maxBackoff: '100ms', retries: 1000 }
  })
  t.teardown(() => app.close())
  app.log.warn = ((_obj: unknown, msg: string) => { warnings.push(msg) }) as typeof app.log.warn
  app.log.error = ((_obj: unknown, msg: string) => { errors.push(msg) }) as typeof app.log.error
  app.alerts.raise({ title: 'Down', severity: 'critical' })
  await waitFor('a failed attempt', async () => warnings.length >= 2 ? true : undefined)
  t.match(warnings[0], /delivery to "mail" failed \(attempt 1 of 1001\): SMTP 127\.0\.0\.1:\d+: .*ECONNREFUSED|connect/i)
  await smtp.up()
  const [mail] = await smtp.waitForMessages(1)
  t.equal(mail!.subject, '[FIRING:1] Down (critical)')
  app.alerts.raise({ title: 'Denied', severity: 'warning' })
  await app.alerts.flush()
  t.match(errors, [/gave up delivering 1 notification \(Denied\) to "badAuth" after 1 attempt: SMTP .*Invalid (login|username)/i])
})

test('a transport that failed to open is opened again by the next attempt (not kept failed forever)', async (t) => {
  let opened = 0
  const sent: unknown[] = []
  const { emailNotifier } = await t.mockImport<typeof import('../src/delivery/notifiers/email.js')>('../src/delivery/notifiers/email.js', {
    nodemailer: {
      default: {
        createTransport: () => {
          if (++opened === 1) throw new Error('cannot read the TLS certificate')
          return { sendMail: async (mail: unknown) => { sent.push(mail) }, close: () => {} }
        }
      }
    }
  })
  const notifier = emailNotifier({ type: 'email', smtp: { host: 'smtp.internal' }, from: 'a@example.com', to: 'b@example.com' }, 1000)
  const delivery = { channel: 'mail', groupKey: '{}:{alertname="Disk"}', alertname: 'Disk', notifications: [], resend: false }
  const signal = new AbortController().signal
  await t.rejects(notifier.send(delivery, signal, 0), { reason: 'connection', retryable: true, message: /SMTP smtp\.internal:587: cannot read the TLS certificate/ })
  await notifier.send(delivery, signal, 0)
  t.equal(opened, 2, 'opened again')
  t.match(sent, [{ subject: '[RESOLVED] Disk (warning)' }])
  await notifier.close?.()
})
