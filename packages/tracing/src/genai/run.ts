import { assertKnownOptions, type OptionNames } from '@obs/core'
import { trace, type Attributes, type Span, type SpanKind, type Tracer } from '@opentelemetry/api'
import { InvalidArgumentError } from '../errors.js'
import { runInSpan, type WithSpanResult } from '../plugin/with-span.js'
import { VERSION } from '../version.js'

/** What every GenAI span helper takes besides its own fields. */
export interface GenAiSpanCommon {
  /** More attributes for the span (the conventions' recommended ones, your own). */
  attributes?: Attributes
  /** The tracer to use; by default the global one of `@opentelemetry/api` (a no-op without an SDK). */
  tracer?: Tracer
}

export function requiredString (value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(what, 'expected a non-empty string')
  return value
}

export function optionalString (value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : requiredString(value, what)
}

/**
 * An options object with no key outside `known` (one key per option, so TypeScript checks the
 * list is whole): a misspelled `conversationID` is an error, not an attribute silently left out.
 */
export function assertOptions (options: unknown, known: OptionNames, helper: string): asserts options is Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${helper} options`, 'expected an options object')
  assertKnownOptions(options, known, InvalidArgumentError, `${helper} `)
}

/**
 * Starts the span through the OpenTelemetry API, runs `fn` in it and ends it as `withSpan` does.
 * Attributes the helper sets come after the caller's, so a caller cannot overwrite the required
 * ones by accident; undefined values are left out.
 */
export function runGenAiSpan<R> (
  name: string, kind: SpanKind, own: Record<string, string | number | undefined>, common: GenAiSpanCommon, fn: (span: Span) => R, what: string
): WithSpanResult<R> {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`${what} fn`, 'expected a function')
  if (common.attributes !== undefined && (common.attributes === null || typeof common.attributes !== 'object')) {
    throw new InvalidArgumentError(`${what} attributes`, 'expected an object of attributes or undefined')
  }
  const attributes: Attributes = { ...common.attributes }
  for (const [key, value] of Object.entries(own)) if (value !== undefined) attributes[key] = value
  const tracer = common.tracer ?? trace.getTracer('@obs/tracing', VERSION)
  return runInSpan(tracer, name, { kind, attributes }, fn as (span: Span) => unknown) as WithSpanResult<R>
}
