import { context, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api'
import { InvalidArgumentError } from './errors.js'
import { recordFailure } from './failure.js'

/**
 * Runs `fn` in a new span, a child of the active one (inside a request: its server span). The
 * span ends when `fn` returns or, when it returns a promise, when that settles; a throw or a
 * rejection is recorded on it and passed on unchanged.
 */
export interface WithSpan {
  <T>(name: string, fn: (span: Span) => T): T
  <T>(name: string, attributes: Attributes | undefined, fn: (span: Span) => T): T
}

function isThenable (value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
}

export function createWithSpan (tracer: Tracer): WithSpan {
  return function withSpan<T> (name: string, attributesOrFn: Attributes | undefined | ((span: Span) => T), maybeFn?: (span: Span) => T): T {
    const fn = typeof attributesOrFn === 'function' ? attributesOrFn : maybeFn
    const attributes = typeof attributesOrFn === 'function' ? undefined : attributesOrFn
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError('withSpan name', 'expected a non-empty string')
    if (typeof fn !== 'function') throw new InvalidArgumentError('withSpan fn', 'expected a function')
    if (attributes !== undefined && (attributes === null || typeof attributes !== 'object')) {
      throw new InvalidArgumentError('withSpan attributes', 'expected an object of attributes or undefined')
    }

    const parent = context.active()
    const span = tracer.startSpan(name, attributes === undefined ? undefined : { attributes }, parent)
    let result: T
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
    return result.then((value) => {
      span.end()
      return value
    }, (error: unknown) => {
      recordFailure(span, error, 'Error')
      span.end()
      throw error
    }) as T
  }
}
