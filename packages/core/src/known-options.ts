import type { InvalidOption } from './coded-error.js'

/** The option names a plugin takes, as an object with one key per option (so TypeScript checks the list is whole). */
export type OptionNames = Readonly<Record<string, unknown>> | readonly string[]

/**
 * Options that Fastify's `register` takes for any plugin and passes on with the plugin's own:
 * they are Fastify's to read, never a mistake.
 */
export const FASTIFY_REGISTER_OPTIONS: readonly string[] = Object.freeze(['prefix', 'logLevel', 'logSerializers'])

/**
 * Rejects the first key of `options` that is not a known option, with a coded error that names
 * it and the nearest known name (`pathh` → did you mean "path"?). `path` prefixes the name of a
 * nested option (`pressure.` for `pressure.maxHeapUsedBytes`). A misspelled option is otherwise
 * silently ignored and its default applies, which is how a typo turns into an outage.
 */
export function assertKnownOptions (options: unknown, known: OptionNames, Invalid: InvalidOption, path = ''): void {
  if (options === null || typeof options !== 'object') return
  const names = Array.isArray(known) ? known : Object.keys(known)
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue
    const near = nearestName(key, names)
    throw new Invalid(`${path}${key}`, near === undefined
      ? `unknown option; the options are ${names.join(', ')}`
      : `unknown option; did you mean "${path}${near}"?`)
  }
}

/** `assertKnownOptions` for the options a plugin gets from `register`: Fastify's own are allowed. */
export function assertKnownPluginOptions (options: unknown, known: OptionNames, Invalid: InvalidOption): void {
  const names = Array.isArray(known) ? known : Object.keys(known)
  assertKnownOptions(options, [...names, ...FASTIFY_REGISTER_OPTIONS.filter((name) => !names.includes(name))], Invalid)
}

/**
 * The known name closest to `key` in edits (a letter added, dropped, changed, or two swapped;
 * case ignored), if one is close enough to be what was meant: at most a third of the name's
 * letters, and at least 1, apart.
 */
export function nearestName (key: string, names: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of names) {
    const distance = editDistance(lower, name.toLowerCase())
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance (a: string, b: string): number {
  let beforePrevious: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, beforePrevious[j - 2]! + 1)
      row.push(value)
    }
    beforePrevious = previous
    previous = row
  }
  return previous[b.length]!
}
