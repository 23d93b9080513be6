import { InvalidRuleError } from '../errors.js'
import type { LabelMatcher, LabelMatchers } from '../rules/types.js'

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
/** The series a histogram family writes besides its base name. */
export const HISTOGRAM_SUFFIX = /_(bucket|count|sum)$/

/** One PromQL label matcher, with its in-process test. */
export interface Matcher {
  readonly name: string
  readonly type: '=' | '!=' | '=~' | '!~'
  /** The literal value, or the regular expression's source. */
  readonly value: string
  /** PromQL semantics: a missing label has the value `""`; regular expressions are anchored. */
  matches (value: string | undefined): boolean
}

/** A metric and its matchers: `name{a="b",c=~"d"}`. */
export interface Selector {
  readonly metric: string
  readonly matchers: readonly Matcher[]
}

export function equal (name: string, value: string): Matcher {
  return { name, type: '=', value, matches: (v) => (v ?? '') === value }
}

/**
 * The bucket of a histogram at `bound` seconds. Prometheus 3 writes integer bounds as `1.0`
 * where Prometheus 2 (and prom-client) write `1`: an integer bound is matched both ways.
 * In-process, bounds are compared as numbers.
 */
export function bucketMatcher (bound: number): Matcher {
  const matches = (v: string | undefined): boolean => v !== undefined && v !== '' && Number(v) === bound
  return Number.isInteger(bound)
    ? { name: 'le', type: '=~', value: `${bound}(\\.0)?`, matches }
    : { name: 'le', type: '=', value: String(bound), matches }
}

function regex (name: string, source: string, negate: boolean, where: string): Matcher {
  let re: RegExp
  try {
    re = new RegExp(`^(?:${source})$`)
  } catch (error) {
    throw new InvalidRuleError(where, `the regular expression for label "${name}" is invalid: ${(error as Error).message}`)
  }
  return negate
    ? { name, type: '!~', value: source, matches: (v) => !re.test(v ?? '') }
    : { name, type: '=~', value: source, matches: (v) => re.test(v ?? '') }
}

function one (name: string, matcher: LabelMatcher, where: string): Matcher {
  const negate = isObject(matcher) && 'not' in matcher
  const target: unknown = negate ? (matcher as { not: unknown }).not : matcher
  if (isObject(target) && 're' in target && typeof target.re === 'string') return regex(name, target.re, negate, where)
  if (typeof target === 'string') {
    return negate ? { name, type: '!=', value: target, matches: (v) => (v ?? '') !== target } : equal(name, target)
  }
  if (target instanceof RegExp) {
    if (target.flags !== '') {
      throw new InvalidRuleError(where, `the regular expression for label "${name}" has flags (/${target.flags}): PromQL has none; use (?i) style groups only if both engines accept them`)
    }
    return regex(name, target.source, negate, where)
  }
  throw new InvalidRuleError(where, `the matcher for label "${name}" must be a string, a RegExp, { re: string } or { not: … }`)
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof RegExp)
}

/** Normalizes `{ route: '/x', status_code: /5../ }` into matchers, in a stable order. */
export function toMatchers (matchers: LabelMatchers | undefined, where: string): Matcher[] {
  if (matchers === undefined) return []
  if (matchers === null || typeof matchers !== 'object' || Array.isArray(matchers)) {
    throw new InvalidRuleError(where, 'match must be an object of label names to matchers')
  }
  return Object.keys(matchers).sort().map((name) => {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new InvalidRuleError(where, `"${name}" is not a label name`)
    return one(name, matchers[name]!, where)
  })
}
