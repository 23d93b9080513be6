import { InvalidOptionError, InvalidRuleError } from '../errors.js'

/**
 * A duration: a number of milliseconds, or a Prometheus duration string such as `'30s'`, `'5m'`,
 * `'1h30m'` or `'3d'` (units `ms`, `s`, `m`, `h`, `d`, `w`).
 */
export type Duration = number | string

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const PART = /(\d+)(ms|s|m|h|d|w)/y
const ORDER = ['w', 'd', 'h', 'm', 's', 'ms']

/** Milliseconds of a duration, or undefined when it is not one (negative, fractional ms, bad unit). */
export function parseDuration (value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string' || value === '') return undefined
  if (value === '0') return 0
  PART.lastIndex = 0
  let total = 0
  let last = -1
  while (PART.lastIndex < value.length) {
    const match = PART.exec(value)
    if (match === null) return undefined
    // Units must come largest first, once each, as Prometheus requires.
    const rank = ORDER.indexOf(match[2]!)
    if (rank <= last) return undefined
    last = rank
    total += Number(match[1]) * UNIT_MS[match[2]!]!
  }
  return Number.isSafeInteger(total) ? total : undefined
}

/** Formats milliseconds as Prometheus writes durations: `90m` → `1h30m`, `0` → `0s`. */
export function formatDuration (ms: number): string {
  if (ms === 0) return '0s'
  let out = ''
  let rest = ms
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit]!
    const count = Math.floor(rest / size)
    if (count > 0) out += `${count}${unit}`
    rest -= count * size
  }
  return out
}

/** Parses an option's duration or throws OBS_ALERTS_INVALID_OPTION. */
export function optionDuration (name: string, value: unknown, { min = 0 }: { min?: number } = {}): number {
  const ms = parseDuration(value)
  if (ms === undefined || ms < min) {
    throw new InvalidOptionError(name, `expected a duration (milliseconds or a string such as "30s", "5m")${min > 0 ? ` of at least ${formatDuration(min)}` : ''}`)
  }
  return ms
}

/** Parses a rule field's duration or throws OBS_ALERTS_INVALID_RULE. */
export function ruleDuration (where: string, field: string, value: unknown, { min = 0 }: { min?: number } = {}): number {
  const ms = parseDuration(value)
  if (ms === undefined || ms < min) {
    throw new InvalidRuleError(where, `${field} must be a duration such as "5m" or a number of milliseconds${min > 0 ? `, at least ${formatDuration(min)}` : ''}`)
  }
  return ms
}
