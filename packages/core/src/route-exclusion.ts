import type { InvalidOption } from './coded-error.js'

/** A route template matched exactly, or a pattern tested against the template. */
export type ExcludeRule = string | RegExp

/**
 * The `exclude` option checked once, at registration, and frozen. A RegExp is copied without its
 * `g` and `y` flags: those make `test` resume where the last match stopped, so of two routes that
 * match, the second would not.
 */
export function resolveExclude (name: string, value: unknown, Invalid: InvalidOption): readonly ExcludeRule[] {
  if (!Array.isArray(value) || !value.every((rule) => typeof rule === 'string' || rule instanceof RegExp)) {
    throw new Invalid(name, 'expected an array of route templates (strings) and RegExps')
  }
  return Object.freeze(value.map((rule: ExcludeRule) =>
    typeof rule === 'string' || !(rule.global || rule.sticky) ? rule : new RegExp(rule.source, rule.flags.replace(/[gy]/g, ''))))
}

/** Whether a route is left out: it opted out in its config, or its template matches a rule. */
export function isExcludedRoute (url: string | undefined, optedOut: boolean, exclude: readonly ExcludeRule[]): boolean {
  if (optedOut) return true
  if (url === undefined) return false
  for (const rule of exclude) {
    if (typeof rule === 'string' ? rule === url : rule.test(url)) return true
  }
  return false
}
