import { test } from 'tap'
import { isSecretKey, redactSecrets } from '../src/index.js'

const R = '[Redacted]'

test('secret keys are recognised whatever their case; ordinary keys are not', async (t) => {
  for (const key of ['authorization', 'Authorization', 'proxy-authorization', 'cookie', 'Set-Cookie', 'password', 'PASSWORD', 'passwd',
    'secret', 'token', 'apiKey', 'api_key', 'api-key', 'x-api-key', 'X-API-KEY', 'x-auth-token', 'accessToken', 'access_token',
    'refresh_token', 'id_token', 'clientSecret', 'client_secret', 'privateKey', 'private_key']) {
    t.ok(isSecretKey(key), key)
  }
  for (const key of ['tokens', 'inputTokens', 'secretary', 'keyboard', 'passwordHint', 'authorized', 'monkey', 'id']) {
    t.notOk(isSecretKey(key), key)
  }
})

test('redaction copies only what it changes and goes four objects deep', async (t) => {
  const clean = { a: 1, b: { c: [1, 2, { d: 'x' }] } }
  t.equal(redactSecrets(clean, R), clean, 'no secret: the same object')
  const nested = { user: { name: 'ada', credentials: { password: 'p', deeper: { password: 'q', deepest: { password: 'not reached' } } } }, token: 't', other: { x: 1 } }
  const redacted = redactSecrets(nested, R)
  t.same(redacted, { user: { name: 'ada', credentials: { password: R, deeper: { password: R, deepest: { password: 'not reached' } } } }, token: R, other: { x: 1 } })
  t.equal(redacted.other, nested.other, 'untouched branches are shared')
  t.equal(nested.user.credentials.password, 'p', 'the input is not modified')
  t.same(redactSecrets([{ password: 'p' }, 'x'], R), [{ password: R }, 'x'])
  t.same(redactSecrets({ a: [[{ b: [{ password: 'p' }] }]] }, R), { a: [[{ b: [{ password: R }] }]] }, 'arrays do not count as a level')
  t.same(redactSecrets({ password: ['a', 'b'] }, R), { password: R }, 'an array under a secret key goes whole')
  const headers = Object.assign(Object.create(null) as Record<string, string>, { authorization: 'Bearer x', accept: '*/*' })
  t.same(redactSecrets({ headers }, R), { headers: { authorization: R, accept: '*/*' } }, 'objects without a prototype too')
})

test('class instances, primitives and skipped keys are left alone', async (t) => {
  class Request { password = 'kept: not a plain object' }
  const request = new Request()
  t.equal(redactSecrets({ req: request }, R).req, request)
  t.equal(redactSecrets('password', R), 'password')
  t.equal(redactSecrets(null, R), null)
  t.same(redactSecrets({ req: { password: 'p' }, password: 'q' }, R, { skip: new Set(['req']) }), { req: { password: 'p' }, password: R })
  const error = Object.assign(new Error('x'), { token: 't' })
  t.equal(redactSecrets(error, R), error, 'an Error is a class instance')
  const copy = redactSecrets(error, R, { anyObject: true })
  t.ok(copy instanceof Error && copy.token === R && error.token === 't', 'unless asked: then copied with its prototype')
  t.same(redactSecrets({ password: undefined }, R), { password: undefined }, 'an absent value stays absent')
  const buffer = Buffer.from('token')
  t.equal(redactSecrets({ token: buffer }, R).token, R)
})
