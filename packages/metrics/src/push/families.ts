// What one push sends: the registry's families at one moment, as data every sink reads (OTLP,
// StatsD, console). Built by collect.ts from the same registry `/metrics` renders.
import type { Exemplar } from '../exposition/text-format.js'
import type { NativeHistogramSnapshot } from '../native/snapshot.js'

export type Labels = Readonly<Record<string, string>>

export interface ScalarPoint {
  readonly labels: Labels
  readonly value: number
  readonly exemplar?: Exemplar | undefined
}

export interface HistogramPoint {
  readonly labels: Labels
  /** The finite upper bounds. */
  readonly bounds: readonly number[]
  /** Counts per bucket, not cumulative, the +Inf bucket last (bounds.length + 1 of them). */
  readonly counts: readonly number[]
  readonly sum: number
  readonly count: number
  /** The latest exemplar per bucket, if any. */
  readonly exemplars: ReadonlyArray<Exemplar | undefined> | undefined
}

export interface ExponentialPoint {
  readonly labels: Labels
  readonly histogram: NativeHistogramSnapshot
  /** The series' classic exemplars (the latest per classic bucket), when its family keeps them. */
  readonly exemplars?: ReadonlyArray<Exemplar | undefined> | undefined
}

export interface SummaryPoint {
  readonly labels: Labels
  readonly count: number
  readonly sum: number
  readonly quantiles: ReadonlyArray<readonly [quantile: number, value: number]>
}

interface FamilyBase {
  readonly name: string
  readonly help: string
}

/** A counter is monotonic; untyped client metrics are sent as gauges. */
export type PushFamily =
  | FamilyBase & { readonly kind: 'counter' | 'gauge', readonly points: readonly ScalarPoint[] }
  | FamilyBase & { readonly kind: 'histogram', readonly points: readonly HistogramPoint[] }
  | FamilyBase & { readonly kind: 'exponential', readonly points: readonly ExponentialPoint[] }
  | FamilyBase & { readonly kind: 'summary', readonly points: readonly SummaryPoint[] }

/** The families and the moment they were read, in milliseconds since the epoch. */
export interface PushSnapshot {
  readonly families: readonly PushFamily[]
  readonly timeMs: number
}

/** How many data points a snapshot holds: one per series (the unit of the exporter self-metrics). */
export function countPoints (families: readonly PushFamily[]): number {
  let points = 0
  for (const family of families) points += family.points.length
  return points
}

/** A series' key within its family: its label names and values in their order (stable for one series). */
export function seriesKey (labels: Labels): string {
  let key = ''
  for (const name in labels) key += `${name}\u0000${labels[name]!}\u0001`
  return key
}

/**
 * Series keys (family name and labels) that outlive one push: a label set that stays the same
 * object from push to push (the request families' rows, a client metric's stored labels) gets the
 * same key string back, whose hash V8 keeps, so the sinks' lookups by key cost no hashing.
 */
export class SeriesKeys {
  private readonly byFamily = new Map<string, WeakMap<Labels, string>>()

  of (family: string, labels: Labels): string {
    let keys = this.byFamily.get(family)
    if (keys === undefined) this.byFamily.set(family, keys = new WeakMap())
    let key = keys.get(labels)
    if (key === undefined) keys.set(labels, key = `${family}\u0000${seriesKey(labels)}`)
    return key
  }
}
