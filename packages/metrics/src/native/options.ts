import { assertKnownOptions } from '@obs/core'
import { InvalidOptionError } from '../errors.js'
import { MAX_SCHEMA, MIN_SCHEMA } from './bucket-index.js'

/** How a histogram keeps its native (exponential) buckets. */
export interface NativeHistogramOptions {
  /** Initial resolution, -4 (coarsest, each bucket 65536 times wider than the last) to 8 (finest): each power of two is cut into 2^schema buckets. */
  schema?: number
  /** The most buckets one series keeps; one more halves the resolution (schema − 1) and merges buckets pairwise. */
  maxBuckets?: number
  /** Observations whose absolute value is at most this are counted in the zero bucket. */
  zeroThreshold?: number
}

/** `true` for the defaults, an object to choose, `false` (or nothing) for classic buckets only. */
export type NativeHistogramSetting = boolean | NativeHistogramOptions

export type ResolvedNativeHistogramOptions = Readonly<Required<NativeHistogramOptions>>

export const NATIVE_HISTOGRAM_DEFAULTS: ResolvedNativeHistogramOptions = Object.freeze({
  // 8 buckets per power of two: each at most 9% wider than the one before.
  schema: 3,
  // OpenTelemetry's default for exponential histograms: a few hundred bytes per series at most.
  maxBuckets: 160,
  // client_golang's default: 2^-128, far below anything measured in seconds or bytes.
  zeroThreshold: 2 ** -128
})

const OPTION_NAMES: Record<keyof NativeHistogramOptions, true> = { schema: true, maxBuckets: true, zeroThreshold: true }

/** Validates a native histogram setting; undefined when native buckets are off. */
export function resolveNativeHistogramOptions (value: unknown, name: string): ResolvedNativeHistogramOptions | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return NATIVE_HISTOGRAM_DEFAULTS
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(name, 'expected a boolean or { schema, maxBuckets, zeroThreshold }')
  }
  assertKnownOptions(value, OPTION_NAMES, InvalidOptionError, `${name}.`)
  const o = { ...NATIVE_HISTOGRAM_DEFAULTS, ...value as NativeHistogramOptions }
  if (!Number.isInteger(o.schema) || o.schema < MIN_SCHEMA || o.schema > MAX_SCHEMA) {
    throw new InvalidOptionError(`${name}.schema`, `expected an integer from ${MIN_SCHEMA} to ${MAX_SCHEMA}`)
  }
  if (!Number.isInteger(o.maxBuckets) || o.maxBuckets < 1) {
    throw new InvalidOptionError(`${name}.maxBuckets`, 'expected a positive integer')
  }
  if (typeof o.zeroThreshold !== 'number' || !Number.isFinite(o.zeroThreshold) || o.zeroThreshold < 0) {
    throw new InvalidOptionError(`${name}.zeroThreshold`, 'expected a finite number, 0 or more')
  }
  return Object.freeze({ schema: o.schema, maxBuckets: o.maxBuckets, zeroThreshold: o.zeroThreshold })
}
