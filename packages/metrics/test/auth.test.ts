import { test } from 'tap'
import { buildApp } from './helpers.js'

test('a bearer token protects /metrics and the summary', async (t) => {
  const app = await buildApp({ auth: { bearerToken: 's3cret' } })
  for (const url of ['/metrics', '/metrics/summary']) {
    const denied = await app.inject(url)
    t.equal(denied.statusCode, 401)
    t.equal(denied.headers['www-authenticate'], 'Bearer realm="metrics"')
    t.equal(denied.json().code, 'OBS_METRICS_UNAUTHORIZED')
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer wrong' } })).statusCode, 401)
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer s3cret-and-more' } })).statusCode, 401)
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer s3cret' } })).statusCode, 200)
  }
})

test('the bearer scheme is accepted in any case, as RFC 7235 says: lower-case bearer too', async (t) => {
  const app = await buildApp({ auth: { bearerToken: 's3cret' } })
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    t.equal((await app.inject({ url: '/metrics', headers: { authorization: `${scheme} s3cret` } })).statusCode, 200, scheme)
  }
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'bearer wrong' } })).statusCode, 401)
})

test('a function decides per request; one that throws or rejects denies', async (t) => {
  const app = await buildApp({
    auth: async (request) => {
      if (request.headers['x-mode'] === 'throw') throw new Error('boom')
      if (request.headers['x-mode'] === 'weird') return 'yes' as unknown as boolean
      return request.headers['x-mode'] === 'allow'
    }
  })
  t.equal((await app.inject({ url: '/metrics', headers: { 'x-mode': 'allow' } })).statusCode, 200)
  t.equal((await app.inject({ url: '/metrics', headers: { 'x-mode': 'deny' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: { 'x-mode': 'throw' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: { 'x-mode': 'weird' } })).statusCode, 401, 'only true allows')
})

test('other routes are not affected by the metrics auth', async (t) => {
  const app = await buildApp({ auth: { bearerToken: 's3cret' } })
  app.get('/public', async () => 'x')
  t.equal((await app.inject('/public')).statusCode, 200)
})
