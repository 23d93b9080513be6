import { test } from 'tap'
import { isSecretKey, redactSecrets } from '../src/index.js'

const R = '[Redacted]'

test('secret keys are recognised whatever their case; ordinary keys are not', async (t) => {
  for (const key of ['authorization', 'Authorization', 'proxy-authorization', 'cookie', 'Set-Cookie', 'password', 'PASSWORD', 'passwd',
    'secret', 'token', 'apiKey', 'api_key', 'api-key', 'x-api-key', 'X-API-KEY', 'x-auth-token', 'accessToken', 'access_token',
    'refresh_token', 'id_token', 'clientSecret', 'client_secret', 'privateKey', 'private_key']) {
    t.ok(isSecretKey(key), key)
  }
  for (const key of ['tokens', 'inputTokens', 'secretary', 'keyboard', 'passwordHint', 'authorized', 'monkey', 'id', 'key', 'cacheKey', 'tokenizer', 'max_tokens', 'apiKeyId', 'secretName']) {
    t.notOk(isSecretKey(key), key)
  }
})

test('a key is secret when it ends like one at a word boundary: camelCase, snake_case, kebab-case, dotted', async (t) => {
  for (const key of ['openaiApiKey', 'OPENAI_API_KEY', 'x-goog-api-key', 'authToken', 'secretKey', 'sessionToken', 'aws_secret_access_key', 'pwd',
    'XApiKey', 'llm.apiKey', 'github token', 'apikey', 'authtoken', 'db_password', 'stripeSecret', 'gcpCredentials', 'Proxy-Authorization']) {
    t.ok(isSecretKey(key), key)
  }
  for (const key of ['mytoken', 'donkey', 'xpwd', 'OPENAIAPIKEY']) {
    t.notOk(isSecretKey(key), `${key}: no word boundary before the suffix`)
  }
})

test('redaction copies only what it changes and goes four objects deep', async (t) => {
  const clean = { a: 1, b: { c: [1, 2, { d: 'x' }] } }
  t.equal(redactSecrets(clean, R), clean, 'no secret: the same object')
  const nested = { user: { name: 'ada', profile: { password: 'p', deeper: { password: 'q', deepest: { password: 'not reached' } } } }, token: 't', other: { x: 1 } }
  const redacted = redactSecrets(nested, R)
  t.same(redacted, { user: { name: 'ada', profile: { password: R, deeper: { password: R, deepest: { password: 'not reached' } } } }, token: R, other: { x: 1 } })
  t.equal(redacted.other, nested.other, 'untouched branches are shared')
  t.equal(nested.user.profile.password, 'p', 'the input is not modified')
  t.same(redactSecrets([{ password: 'p' }, 'x'], R), [{ password: R }, 'x'])
  t.same(redactSecrets({ a: [[{ b: [{ password: 'p' }] }]] }, R), { a: [[{ b: [{ password: R }] }]] }, 'arrays do not count as a level')
  t.same(redactSecrets({ password: ['a', 'b'] }, R), { password: R }, 'an array under a secret key goes whole')
  const headers = Object.assign(Object.create(null) as Record<string, string>, { authorization: 'Bearer x', accept: '*/*' })
  t.same(redactSecrets({ headers }, R), { headers: { authorization: R, accept: '*/*' } }, 'objects without a prototype too')
})

test('objects of any prototype are looked into: Fastify\'s request.query and request.params have their own', async (t) => {
  class Credentials { password = 'p' }
  const redacted = redactSecrets({ login: new Credentials() }, R).login
  t.equal(redacted.password, R)
  t.ok(redacted instanceof Credentials, 'copied with its prototype')
  const NullObject = function (): void {} as unknown as new () => Record<string, string>
  NullObject.prototype = Object.create(null) as object
  const query = Object.assign(new NullObject(), { api_key: 'k', page: '2' })
  t.same({ ...redactSecrets({ query }, R).query }, { api_key: R, page: '2' }, 'a prototype neither Object.prototype nor null')
  const hostile = Object.defineProperty({}, 'token', { enumerable: true, get () { throw new Error('no') } })
  t.equal(redactSecrets({ hostile }, R).hostile, hostile, 'a getter that throws leaves its object as it is, and redaction goes on')
  const buffer = Buffer.from('x')
  t.equal(redactSecrets({ data: buffer }, R).data, buffer, 'binary data is not looked into')
})

test('primitives and skipped keys are left alone', async (t) => {
  t.equal(redactSecrets('password', R), 'password')
  t.equal(redactSecrets(null, R), null)
  t.same(redactSecrets({ req: { password: 'p' }, password: 'q' }, R, { skip: new Set(['req']) }), { req: { password: 'p' }, password: R })
  const error = Object.assign(new TypeError('x'), { token: 't', config: { headers: { authorization: 'a' } } })
  const copy = redactSecrets({ error }, R).error
  t.ok(copy instanceof TypeError, 'errors are looked into, and copied with their prototype')
  t.equal(copy.token, R)
  t.equal(copy.config.headers.authorization, R)
  t.equal(copy.message, 'x', 'their own properties are kept, enumerable or not')
  t.equal(copy.stack, error.stack)
  t.ok(error.token === 't' && error.config.headers.authorization === 'a', 'the error itself is not modified')
  const frozen = Object.freeze({ password: 'p', kept: 1 })
  t.same(redactSecrets(frozen, R), { password: R, kept: 1 }, 'a frozen object is copied too')
  const getter = { get password (): string { return 'p' }, kept: 1 }
  t.same(redactSecrets(getter, R), { password: R, kept: 1 }, 'and one whose secret is a getter')
  t.same(redactSecrets({ password: undefined }, R), { password: undefined }, 'an absent value stays absent')
  const buffer = Buffer.from('token')
  t.equal(redactSecrets({ token: buffer }, R).token, R)
})
