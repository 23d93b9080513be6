import type { FastifyError } from 'fastify'

/**
 * What `createError` of @fastify/error returns (its `FastifyErrorConstructor`), named here so
 * that every package's errors, and their .d.ts, share one name that resolves for any consumer
 * (`createError.FastifyErrorConstructor` fails without esModuleInterop). Written against
 * fastify's own `FastifyError` type: this package imports nothing at run time.
 */
export interface CodedError<Args extends unknown[] = []> {
  new (...args: Args): FastifyError & { code: string }
  (...args: Args): FastifyError & { code: string }
  readonly prototype: FastifyError & { code: string }
}

/** Every package's `InvalidOptionError`: the option's name, then what was expected. */
export type InvalidOption = CodedError<[string, string]>
