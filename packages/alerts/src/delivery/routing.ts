import { assertKnownOptions } from '@obs/core'
import { InvalidOptionError, UnknownChannelError } from '../errors.js'
import { SEVERITIES, type Severity } from '../rules/types.js'

/**
 * Channels by severity; `default` for severities not listed. Without any key: every channel.
 * Once a key is set, a severity that is not listed goes to `default`, or nowhere without it.
 */
export type Routing = Partial<Record<Severity | 'default', readonly string[]>>

export interface ResolvedRouting {
  /** The channels of an alert: its own, else by its severity. */
  route: (severity: Severity, own: readonly string[] | undefined) => readonly string[]
  /** Severities that routing sends nowhere (some keys set, these not, and no `default`). */
  unrouted: Severity[]
  /** Throws OBS_ALERTS_UNKNOWN_CHANNEL unless every name is a channel; `where` names the place. */
  check: (list: unknown, where: string) => readonly string[]
  /** Where a channel is named (routing keys), for a channel removed at run time. */
  namedBy: (channel: string) => string | undefined
}

/**
 * Checks that routing and rules only name declared channels; returns the routing function.
 * `known` is read when alerts are routed: channels added at run time are in it.
 */
export function resolveRouting (routing: Routing, known: ReadonlySet<string>, rules: ReadonlyArray<{ name: string, channels: readonly string[] | undefined }>): ResolvedRouting {
  if (routing === null || typeof routing !== 'object' || Array.isArray(routing)) throw new InvalidOptionError('routing', 'expected { critical?: [...], …, default?: [...] }')
  const check = (list: unknown, where: string): readonly string[] => {
    if (!Array.isArray(list)) throw new InvalidOptionError(where, 'expected an array of channel names')
    for (const name of list) if (!known.has(name)) throw new UnknownChannelError(String(name), where)
    return list
  }
  assertKnownOptions(routing, [...SEVERITIES, 'default'], InvalidOptionError, 'routing.')
  for (const key of Object.keys(routing)) check(routing[key as Severity], `routing.${key}`)
  for (const rule of rules) if (rule.channels !== undefined) check(rule.channels, `the channels of rule "${rule.name}"`)
  // No routing at all: every channel. Routing for some severities only: the others go to
  // `default`, else nowhere (never to every channel, pager included, by accident).
  const fallback = (): readonly string[] => Object.keys(routing).length === 0 ? [...known] : routing.default ?? []
  return {
    route: (severity, own) => own !== undefined ? check(own, 'channels') : routing[severity] ?? fallback(),
    unrouted: Object.keys(routing).length === 0 || routing.default !== undefined ? [] : SEVERITIES.filter((s) => routing[s] === undefined),
    check,
    namedBy: (channel) => Object.keys(routing).find((key) => routing[key as Severity]?.includes(channel) === true)
  }
}
