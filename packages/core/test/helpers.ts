import type { CodedError } from '../src/index.js'

/** An InvalidOptionError as each package declares one, without @fastify/error. */
export const InvalidOption = function (name: string, why: string) {
  return Object.assign(new TypeError(`Invalid option "${name}": ${why}`), { code: 'TEST_INVALID_OPTION' })
} as unknown as CodedError<[string, string]>
