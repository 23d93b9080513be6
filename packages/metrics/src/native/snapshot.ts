/**
 * A native (exponential) histogram at one moment, as every reader takes it: the protobuf
 * exposition, the JSON summary, OTLP export and the in-process alert engine.
 *
 * Buckets follow Prometheus's indexing: at `schema` s the base is 2^(2^-s), and bucket `i`
 * holds observations in (base^(i-1), base^i]. (OTLP's index is one lower: (base^i, base^(i+1)].)
 */
export interface NativeHistogramSnapshot {
  /** Resolution, -4 (coarsest) to 8 (finest). */
  readonly schema: number
  /** Observations whose absolute value is at most this fall in the zero bucket. */
  readonly zeroThreshold: number
  readonly zeroCount: number
  readonly count: number
  readonly sum: number
  /** Non-empty buckets of positive observations as [index, count], by ascending index. */
  readonly positive: ReadonlyArray<readonly [index: number, count: number]>
  /** Non-empty buckets of negative observations (by absolute value) as [index, count], by ascending index. */
  readonly negative: ReadonlyArray<readonly [index: number, count: number]>
}

/** One series of a family that keeps native histograms: its own labels and its histogram. */
export interface NativeHistogramSeries {
  readonly labels: Readonly<Record<string, string>>
  readonly histogram: NativeHistogramSnapshot
}

/**
 * A registry metric that keeps native histograms beside (or instead of) classic buckets. Readers
 * other than the text exposition (protobuf, JSON summary, OTLP, the alert engine) ask for them.
 */
export interface NativeHistogramSource {
  nativeHistograms (): NativeHistogramSeries[]
}

export function hasNativeHistograms (metric: object): metric is NativeHistogramSource {
  return typeof (metric as Partial<NativeHistogramSource>).nativeHistograms === 'function'
}
