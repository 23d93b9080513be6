import { test } from 'tap'
import { isHttpUrl, isIntegerAtLeast, isNonNegativeNumber, isPositiveNumber, isThenable } from '../src/index.js'

test('number predicates', async (t) => {
  t.ok(isPositiveNumber(0.5))
  for (const bad of [0, -1, NaN, Infinity, '1', null]) t.notOk(isPositiveNumber(bad), String(bad))
  t.ok(isNonNegativeNumber(0))
  for (const bad of [-0.1, NaN, Infinity, '0']) t.notOk(isNonNegativeNumber(bad), String(bad))
  t.ok(isIntegerAtLeast(1))
  t.ok(isIntegerAtLeast(0, 0))
  for (const bad of [0, 1.5, '2', NaN]) t.notOk(isIntegerAtLeast(bad), String(bad))
})

test('http(s) URLs only', async (t) => {
  t.ok(isHttpUrl('http://collector:4318/v1/traces'))
  t.ok(isHttpUrl('https://hooks.slack.com/services/x'))
  for (const bad of ['ftp://x', 'collector:4318', '', 42, undefined, new URL('http://x')]) t.notOk(isHttpUrl(bad), String(bad))
})

test('thenables, as await sees them', async (t) => {
  t.ok(isThenable(Promise.resolve()))
  t.ok(isThenable({ then () {} }))
  t.ok(isThenable(Object.assign(() => {}, { then () {} })))
  for (const value of [null, undefined, 1, 'then', { then: 1 }]) t.notOk(isThenable(value), String(value))
})
