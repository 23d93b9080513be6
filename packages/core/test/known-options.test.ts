import { test } from 'tap'
import { assertKnownOptions, assertKnownPluginOptions, nearestName } from '../src/index.js'
import { InvalidOption } from './helpers.js'

test('a misspelled option is a coded error naming it and the nearest valid one', async (t) => {
  const known = { path: true, summaryPath: true, deadlineMs: true, traceIdHeader: true, interval: true }
  const typos: Array<[string, string]> = [['pathh', 'path'], ['dedlineMs', 'deadlineMs'], ['traceIdHeadr', 'traceIdHeader'], ['intervall', 'interval'], ['deadlinems', 'deadlineMs'], ['ptah', 'path']]
  for (const [typo, meant] of typos) {
    t.throws(() => assertKnownOptions({ [typo]: 1 }, known, InvalidOption), {
      code: 'TEST_INVALID_OPTION',
      message: `Invalid option "${typo}": unknown option; did you mean "${meant}"?`
    }, typo)
  }
  t.throws(() => assertKnownOptions({ somethingElse: 1 }, known, InvalidOption), { message: /unknown option; the options are path, summaryPath/ })
  t.throws(() => assertKnownOptions({ maxHeapUsedByte: 1 }, ['maxHeapUsedBytes'], InvalidOption, 'pressure.'), {
    message: 'Invalid option "pressure.maxHeapUsedByte": unknown option; did you mean "pressure.maxHeapUsedBytes"?'
  })
})

test('known options, and Fastify’s own register options, pass', async (t) => {
  assertKnownOptions({ path: '/x' }, ['path'], InvalidOption)
  assertKnownOptions(undefined, ['path'], InvalidOption)
  assertKnownPluginOptions({ path: '/x', prefix: '/p', logLevel: 'warn', logSerializers: {} }, ['path'], InvalidOption)
  t.throws(() => assertKnownOptions({ prefix: '/p' }, ['path'], InvalidOption))
  t.pass()
})

test('nearestName suggests only what is close', async (t) => {
  t.equal(nearestName('exclud', ['exclude', 'exemplars']), 'exclude')
  t.equal(nearestName('zz', ['path']), undefined)
  t.equal(nearestName('a', ['b']), 'b', 'one edit always counts')
})
