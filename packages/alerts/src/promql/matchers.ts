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
 * where Prometheus 2 (and @prometheus-io/client) write `1`: an integer bound is matched both ways.
 * In-process, bounds are compared as numbers.
 */
export function bucketMatcher (bound: number): Matcher {
  const matches = (v: string | undefined): boolean => v !== undefined && v !== '' && Number(v) === bound
  return Number.isInteger(bound)
    ? { name: 'le', type: '=~', value: `${bound}(\\.0)?`, matches }
    : { name: 'le', type: '=', value: String(bound), matches }
}
