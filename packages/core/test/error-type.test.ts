import { test } from 'tap'
import { errorType } from '../src/index.js'

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
