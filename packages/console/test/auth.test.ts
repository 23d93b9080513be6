import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify'
import { test } from 'tap'
import obsConsole, { type ConsoleAuth } from '../src/index.js'

async function build (auth: ConsoleAuth): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(obsConsole, { auth, env: {} })
  return app
}

test('a bearer token protects pages and API; the API answers OBS_CONSOLE_UNAUTHORIZED', async (t) => {
  const app = await build({ bearerToken: 's3cret' })
  t.teardown(() => app.close())
  for (const url of ['/obs/api/traces', '/obs/api/logs', '/obs/api/alerts', '/obs/api/metrics', '/obs/api/stream']) {
    const denied = await app.inject(url)
    t.equal(denied.statusCode, 401, url)
    t.equal(denied.json().code, 'OBS_CONSOLE_UNAUTHORIZED')
    t.equal(denied.headers['www-authenticate'], 'Bearer realm="console"')
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer wrong' } })).statusCode, 401)
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer s3cret-and-more' } })).statusCode, 401)
  }
  t.equal((await app.inject({ url: '/obs/api/traces', headers: { authorization: 'Bearer s3cret' } })).statusCode, 200)
})

test('the bearer scheme was matched case-sensitively ("bearer s3cret" was refused): RFC 7235 makes it case-insensitive', async (t) => {
  const app = await build({ bearerToken: 's3cret' })
  t.teardown(() => app.close())
  for (const authorization of ['bearer s3cret', 'BEARER s3cret', 'Bearer  s3cret']) {
    t.equal((await app.inject({ url: '/obs/api/traces', headers: { authorization } })).statusCode, 200, authorization)
  }
  t.equal((await app.inject({ url: '/obs/api/traces', headers: { authorization: 'Basic s3cret' } })).statusCode, 401, 'another scheme is not')
})

test('a browser gets the sign-in form, and the session cookie after signing in', async (t) => {
  const app = await build({ bearerToken: 's3cret' })
  t.teardown(() => app.close())
  const page = await app.inject('/obs/logs?level=error')
  t.equal(page.statusCode, 401)
  t.match(page.body, /<form method="post" action="\/obs\/login">/)
  t.match(page.body, /name="next" value="\/obs\/logs\?level=error"/)
  t.notMatch(page.body, /s3cret/)
  t.equal((await app.inject('/obs/assets/console.css')).statusCode, 200, 'the sign-in page\'s stylesheet is public')
  t.equal((await app.inject('/obs/assets/overview.js')).statusCode, 401, 'the rest is not')

  const form = (token: string, next = '/obs/logs?level=error'): InjectOptions => ({
    method: 'POST', url: '/obs/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token, next }).toString()
  })
  const signInPage = await app.inject('/obs/login?next=/obs/alerts')
  t.equal(signInPage.statusCode, 200)
  t.match(signInPage.body, /name="next" value="\/obs\/alerts"/)

  const wrong = await app.inject(form('guess'))
  t.equal(wrong.statusCode, 401)
  t.match(wrong.body, /not the right one/)
  t.notOk(wrong.headers['set-cookie'])

  const signedIn = await app.inject(form('s3cret'))
  t.equal(signedIn.statusCode, 303)
  t.equal(signedIn.headers.location, '/obs/logs?level=error')
  const cookie = String(signedIn.headers['set-cookie'])
  t.match(cookie, /^obs_console=[\w-]+; Path=\/obs\/; HttpOnly; SameSite=Strict$/)
  t.notMatch(cookie, /s3cret/, 'the cookie holds a digest, not the token')
  const session = cookie.split(';')[0]!
  t.equal((await app.inject({ url: '/obs/logs', headers: { cookie: session } })).statusCode, 200)
  t.equal((await app.inject({ url: '/obs/api/logs', headers: { cookie: `other=1; ${session}` } })).statusCode, 200)
  t.equal((await app.inject({ url: '/obs/api/logs', headers: { cookie: `${session}x` } })).statusCode, 401)

  for (const next of ['https://evil.example/', '//evil.example/', '/elsewhere', '/obs/\\evil']) {
    t.equal((await app.inject(form('s3cret', next))).headers.location, '/obs/', `no open redirect to ${next}`)
  }
})

test('an auth function decides per request; one that throws or rejects denies', async (t) => {
  const app = await build(async (request) => {
    if (request.headers['x-mode'] === 'throw') throw new Error('boom')
    if (request.headers['x-mode'] === 'weird') return 'yes' as unknown as boolean
    return request.headers['x-mode'] === 'allow'
  })
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/obs/', headers: { 'x-mode': 'allow' } })).statusCode, 200)
  const page = await app.inject({ url: '/obs/', headers: { 'x-mode': 'deny' } })
  t.equal(page.statusCode, 401)
  t.notMatch(page.body, /<form/, 'no sign-in form without a token to sign in with')
  t.equal((await app.inject({ url: '/obs/api/logs', headers: { 'x-mode': 'throw' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/obs/api/logs', headers: { 'x-mode': 'weird' } })).statusCode, 401, 'only true allows')
  t.equal((await app.inject({ method: 'POST', url: '/obs/login' })).statusCode, 404, 'no sign-in route')
})

test('the app\'s other routes are not affected', async (t) => {
  const app = await build({ bearerToken: 's3cret' })
  t.teardown(() => app.close())
  app.get('/public', async () => 'x')
  t.equal((await app.inject('/public')).statusCode, 200)
})
