import { test } from 'tap'
import { errorType, exportErrorType } from '../src/index.js'

test('the code, else the name, else Error', async (t) => {
  t.equal(errorType(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED')
  t.equal(errorType(new TypeError('x')), 'TypeError')
  t.equal(errorType({ name: 'Custom' }), 'Custom')
  t.equal(errorType('a string'), 'Error')
  t.equal(errorType(undefined), 'Error')
  t.equal(errorType({ code: 'not an identifier!', name: 'x'.repeat(65) }), 'Error', 'odd codes and names are not label values')
})

test('a thrown value whose getters throw is an Error, not a crash', async (t) => {
  const hostile = Object.defineProperty({}, 'code', { get () { throw new Error('gotcha') } })
  t.equal(errorType(hostile), 'Error')
  const revoked = Proxy.revocable({}, {})
  revoked.revoke()
  t.equal(errorType(revoked.proxy), 'Error')
})

test('exportErrorType: an HTTP status, a gRPC status by name, the socket error behind a failure', async (t) => {
  t.equal(exportErrorType(Object.assign(new Error('refused'), { code: 503 }), false), '503')
  t.equal(exportErrorType(Object.assign(new Error('unavailable'), { code: 14 }), true), 'UNAVAILABLE')
  t.equal(exportErrorType(Object.assign(new Error('odd'), { code: 99 }), true), '99')
  t.equal(exportErrorType(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), false), 'ECONNREFUSED')
  t.equal(exportErrorType(Object.assign(new Error('t'), { code: 'timeout' }), false), 'timeout')
  t.equal(exportErrorType(undefined, false), 'export_failed')
  t.equal(exportErrorType(new Proxy({}, { get () { throw new Error('trap') } }), false), 'Error', 'never throws')
})
