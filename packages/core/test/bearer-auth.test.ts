import { test } from 'tap'
import type { FastifyRequest } from 'fastify'
import { createAuthorizer, resolveRouteAuth } from '../src/index.js'
import { InvalidOption } from './helpers.js'

const request = (authorization?: string): FastifyRequest => ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest

test('the bearer scheme is accepted in any case, as RFC 7235 says', async (t) => {
  const allow = createAuthorizer({ bearerToken: 's3cret' }, () => t.fail('no error expected'))
  for (const header of ['Bearer s3cret', 'bearer s3cret', 'BEARER s3cret', 'Bearer   s3cret', 'Bearer s3cret ']) {
    t.equal(await allow(request(header)), true, header)
  }
  for (const header of [undefined, '', 's3cret', 'Bearer', 'Bearer ', 'Bearer wrong', 'Bearer s3cret-and-more', 'Basic s3cret', 'Bearers3cret']) {
    t.equal(await allow(request(header)), false, String(header))
  }
})

test('a function allows only with true; one that throws or rejects denies and is reported', async (t) => {
  const errors: unknown[] = []
  const allow = createAuthorizer(async (r) => {
    const mode = r.headers.authorization
    if (mode === 'throw') throw new Error('boom')
    return (mode === 'weird' ? 'yes' : mode === 'allow') as boolean
  }, (_request, error) => errors.push(error))
  t.equal(await allow(request('allow')), true)
  t.equal(await allow(request('deny')), false)
  t.equal(await allow(request('weird')), false)
  t.equal(await allow(request('throw')), false)
  t.equal(errors.length, 1)
})

test('the auth option is checked at registration', async (t) => {
  t.equal(resolveRouteAuth('auth', undefined, InvalidOption), undefined)
  t.same(resolveRouteAuth('auth', { bearerToken: 't', extra: 1 }, InvalidOption), { bearerToken: 't' })
  for (const bad of [null, {}, { bearerToken: '' }, { bearerToken: 1 }, 'token']) {
    t.throws(() => resolveRouteAuth('auth', bad, InvalidOption), { code: 'TEST_INVALID_OPTION', message: /"auth"/ })
  }
})
