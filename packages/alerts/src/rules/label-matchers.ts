import { InvalidRuleError } from '../errors.js'
import { equal, LABEL_NAME, type Matcher } from '../promql/matchers.js'
import type { LabelMatcher, LabelMatchers } from './types.js'

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
