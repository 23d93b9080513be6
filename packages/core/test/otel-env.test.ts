import { test } from 'tap'
import { readPairsEnv, warnEnv } from '../src/index.js'

/** The process warnings with an @obs code that `fn` emits, as their messages (the test runner's own are left out). */
async function warnings (fn: () => void): Promise<string[]> {
  const seen: string[] = []
  const listener = (warning: Error & { code?: string }): void => { if (warning.code?.startsWith('OBS_') === true) seen.push(warning.message) }
  process.on('warning', listener)
  try {
    fn()
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('warning', listener)
  }
  return seen
}

test('key=value lists: percent-decoded pairs; a malformed list is ignored whole, and the warning shows no value', async (t) => {
  t.same(readPairsEnv({ H: 'api-key=abc%20def, x-team = core ' }, 'H', 'OBS_TEST_INVALID_ENV'), { 'api-key': 'abc def', 'x-team': 'core' })
  t.equal(readPairsEnv({}, 'H', 'OBS_TEST_INVALID_ENV'), undefined)

  let result: unknown
  const malformed = await warnings(() => { result = readPairsEnv({ H: 'api-key=s3cr3t,Bearer t0k3n' }, 'H', 'OBS_TEST_INVALID_ENV') })
  t.equal(result, undefined)
  t.same(malformed, ['Ignoring H: item 2 of the list is not key=value; the whole list is ignored'])

  const badEncoding = await warnings(() => { result = readPairsEnv({ H: 'authorization=Basic%zzs3cr3t' }, 'H', 'OBS_TEST_INVALID_ENV') })
  t.equal(result, undefined)
  t.same(badEncoding, ['Ignoring H: the value of "authorization" is not valid percent-encoding; the whole list is ignored'])
  t.notMatch([...malformed, ...badEncoding].join('\n'), /s3cr3t|t0k3n/, 'no secret in a warning')
})

test('warnEnv shows the value only when given one', async (t) => {
  t.same(await warnings(() => warnEnv('N', '7x', 'expected a number', 'OBS_TEST_INVALID_ENV')), ['Ignoring N="7x": expected a number'])
  t.same(await warnings(() => warnEnv('N', undefined, 'expected a URL', 'OBS_TEST_INVALID_ENV')), ['Ignoring N: expected a URL'])
})
