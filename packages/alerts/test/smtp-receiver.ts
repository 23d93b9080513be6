import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freePort } from '../../../test-support/free-port.js'
import { waitFor } from '../../../test-support/wait-for.js'
import { listenOn } from '../../../test-support/listen.js'

export interface SmtpReceiver {
  port: number
  /** Messages received, parsed. */
  messages: ParsedMail[]
  /** The envelope recipients of each message. */
  recipients: string[][]
  waitForMessages (count: number): Promise<ParsedMail[]>
  up (): Promise<void>
  down (): Promise<void>
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that accepts mail for anyone, with PLAIN/LOGIN
 * auth checked against `user`/`pass` (over plain text, which only a test allows), STARTTLS off.
 * It can start down and come up on its port later. Lives here, not in test-support: the
 * smtp-server dependency is this package's.
 */
export async function startSmtpReceiver (options: { user: string, pass: string, down?: boolean }): Promise<SmtpReceiver> {
  const port = await freePort()
  const messages: ParsedMail[] = []
  const recipients: string[][] = []
  let server: SMTPServer | undefined
  const up = async (): Promise<void> => {
    if (server !== undefined) return
    const s = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth (auth, _session, callback) {
        if (auth.username === options.user && auth.password === options.pass) callback(null, { user: auth.username })
        else callback(new Error('Invalid username or password'))
      },
      onData (stream, session, callback) {
        simpleParser(stream).then((mail) => {
          messages.push(mail)
          recipients.push(session.envelope.rcptTo.map((r) => r.address))
          callback()
        }, callback)
      }
    })
    server = s
    await listenOn(s, port)
  }
  const down = async (): Promise<void> => {
    const s = server
    server = undefined
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()))
  }
  if (options.down !== true) await up()
  return {
    port,
    messages,
    recipients,
    waitForMessages: (count) => waitFor(`${count} emails`, async () => messages.length >= count ? messages.slice(0, count) : undefined),
    up,
    down
  }
}
