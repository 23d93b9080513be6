import { assertKnownOptions, isIntegerAtLeast } from '@obs/core'
import { InvalidOptionError } from '../errors.js'
import { type Duration, optionDuration } from '../promql/duration.js'

/** How a channel delivers, as the user writes it (the plugin's `delivery`, or a channel's own). */
export interface DeliverySettings {
  /** One attempt's time limit. */
  timeout: Duration
  /** Attempts after the first, for failures worth retrying (down, timeout, 429, 5xx). */
  retries: number
  /** First retry delay; doubles each retry up to `maxBackoff`, with jitter. */
  backoff: Duration
  maxBackoff: Duration
  /** Deliveries waiting per channel; beyond, the oldest waiting one is dropped, logged and counted. */
  queueSize: number
}

/** The same settings once checked, in milliseconds. */
export interface DeliveryOptions {
  /** One attempt's time limit. */
  readonly timeoutMs: number
  /** Attempts after the first one, for failures worth retrying. */
  readonly retries: number
  /** The first retry's delay; it doubles each time, up to `maxBackoffMs`, with jitter. */
  readonly backoffMs: number
  readonly maxBackoffMs: number
  /** Deliveries waiting per channel; beyond, the oldest waiting one is dropped and counted. */
  readonly queueSize: number
}

const SETTING_NAMES: Record<keyof DeliverySettings, true> = { timeout: true, retries: true, backoff: true, maxBackoff: true, queueSize: true }

export const positiveInteger = (name: string, value: unknown): number => {
  if (!isIntegerAtLeast(value, 1)) throw new InvalidOptionError(name, 'expected a positive integer')
  return value as number
}

/** Checks delivery settings (`name` is the option's path in errors), over `base` when given. */
export function resolveDelivery (name: string, d: Partial<DeliverySettings>, base?: DeliveryOptions): DeliveryOptions {
  assertKnownOptions(d, SETTING_NAMES, InvalidOptionError, `${name}.`)
  if (base !== undefined) {
    d = { timeout: base.timeoutMs, retries: base.retries, backoff: base.backoffMs, maxBackoff: base.maxBackoffMs, queueSize: base.queueSize, ...d }
  }
  if (!isIntegerAtLeast(d.retries, 0)) throw new InvalidOptionError(`${name}.retries`, 'expected an integer ≥ 0')
  const backoffMs = optionDuration(`${name}.backoff`, d.backoff, { min: 1 })
  const maxBackoffMs = optionDuration(`${name}.maxBackoff`, d.maxBackoff, { min: 1 })
  if (maxBackoffMs < backoffMs) throw new InvalidOptionError(`${name}.maxBackoff`, 'must not be shorter than backoff')
  return {
    timeoutMs: optionDuration(`${name}.timeout`, d.timeout, { min: 1 }),
    retries: d.retries as number,
    backoffMs,
    maxBackoffMs,
    queueSize: positiveInteger(`${name}.queueSize`, d.queueSize)
  }
}
