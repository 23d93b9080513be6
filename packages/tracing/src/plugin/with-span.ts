import { isThenable } from '@obs/core'
import { context, trace, type Attributes, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api'
import { InvalidArgumentError } from '../errors.js'
import { recordFailure } from './failure.js'

/**
 * What `withSpan` returns for a function that returns `R`: a promise of its value when `R` is a
 * promise or another thenable (anything with a `then` method, as at run time; the span ends
 * when it settles), the value itself otherwise.
 */
export type WithSpanResult<R> = R extends { then: (...args: never[]) => unknown } ? Promise<Awaited<R>> : R

/**
 * Runs `fn` in a new span, a child of the active one (inside a request: its server span). The
 * span ends when `fn` returns or, when it returns a promise (or any thenable), when that
 * settles; a throw or a rejection is recorded on it and passed on unchanged.
 */
export interface WithSpan {
  <R>(name: string, fn: (span: Span) => R): WithSpanResult<R>
  <R>(name: string, attributes: Attributes | undefined, fn: (span: Span) => R): WithSpanResult<R>
}

export function createWithSpan (tracer: Tracer): WithSpan {
  return function withSpan (name: string, attributesOrFn: Attributes | undefined | ((span: Span) => unknown), maybeFn?: (span: Span) => unknown): unknown {
    const fn = typeof attributesOrFn === 'function' ? attributesOrFn : maybeFn
    const attributes = typeof attributesOrFn === 'function' ? undefined : attributesOrFn
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError('withSpan name', 'expected a non-empty string')
    if (typeof fn !== 'function') throw new InvalidArgumentError('withSpan fn', 'expected a function')
    if (attributes !== undefined && (attributes === null || typeof attributes !== 'object')) {
      throw new InvalidArgumentError('withSpan attributes', 'expected an object of attributes or undefined')
    }

    return runInSpan(tracer, name, attributes === undefined ? {} : { attributes }, fn)
  } as WithSpan
}

/**
 * Runs `fn` in a new span that `options` describe, a child of the active one, and ends it when
 * `fn` returns or its promise (any thenable) settles; a throw or rejection is recorded on the
 * span (status ERROR, `error.type`, the exception) and passed on unchanged.
 */
export function runInSpan (tracer: Tracer, name: string, options: SpanOptions, fn: (span: Span) => unknown): unknown {
  const parent = context.active()
  const span = tracer.startSpan(name, options, parent)
  let result: unknown
  try {
    result = context.with(trace.setSpan(parent, span), fn, undefined, span)
  } catch (error) {
    recordFailure(span, error, 'Error')
    span.end()
    throw error
  }
  if (!isThenable(result)) {
    span.end()
    return result
  }
  // A promise, whatever the thenable was (a query builder's `then` returns what it likes): the
  // type says Promise, and so does the value.
  return Promise.resolve(result).then((value) => {
    span.end()
    return value
  }, (error: unknown) => {
    recordFailure(span, error, 'Error')
    span.end()
    throw error
  })
}
