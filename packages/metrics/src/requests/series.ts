import { labelPairs } from '../exposition/text-format.js'
import type { ResolvedNativeHistogramOptions } from '../native/options.js'
import { OVERFLOW } from '../names.js'
import { FixedHistogram } from './fixed-histogram.js'

/** The route label of every request that matched no route, whatever its path. */
export const UNMATCHED_ROUTE = '__unmatched__'

export interface SeriesLayout {
  readonly durationBuckets: readonly number[]
  /** Set when the duration histogram keeps native buckets too. */
  readonly durationNative?: ResolvedNativeHistogramOptions | undefined
  /** Set when request and response sizes are measured. */
  readonly sizeBuckets: readonly number[] | undefined
  /** The most label sets one family may hold; observations beyond go to the overflow series. */
  readonly maxLabelSets: number
}

/** One (method, route, status code) label set: its duration and, optionally, sizes. */
export class RequestSeries {
  readonly labels: Readonly<Record<string, string>>
  readonly duration: FixedHistogram
  readonly requestSize: FixedHistogram | undefined
  readonly responseSize: FixedHistogram | undefined
  readonly pairs: string

  constructor (labels: Record<string, string>, layout: SeriesLayout) {
    this.labels = labels
    this.pairs = labelPairs(labels)
    this.duration = new FixedHistogram(layout.durationBuckets, layout.durationNative)
    const sizes = layout.sizeBuckets
    this.requestSize = sizes === undefined ? undefined : new FixedHistogram(sizes)
    this.responseSize = sizes === undefined ? undefined : new FixedHistogram(sizes)
  }
}

/** One (method, route, error type) label set. */
export class ErrorSeries {
  count = 0
  readonly pairs: string

  constructor (readonly labels: Readonly<Record<string, string>>) {
    this.pairs = labelPairs(labels)
  }
}

/** State of one method on one route: in-flight count and its series by status and error type. */
export class MethodState {
  inFlight = 0
  aborted = 0
  readonly labels: Readonly<Record<string, string>>
  readonly pairs: string
  private readonly byStatus = new Map<number, RequestSeries>()
  private readonly byErrorType = new Map<string, ErrorSeries>()

  constructor (readonly method: string, readonly route: string, private readonly table: SeriesTable) {
    this.labels = { method, route }
    this.pairs = labelPairs(this.labels)
  }

  series (statusCode: number): RequestSeries {
    let series = this.byStatus.get(statusCode)
    if (series === undefined) {
      series = this.table.addSeries({ method: this.method, route: this.route, status_code: String(statusCode) })
      this.byStatus.set(statusCode, series)
    }
    return series
  }

  errors (errorType: string): ErrorSeries {
    let series = this.byErrorType.get(errorType)
    if (series === undefined) {
      series = this.table.addErrorSeries({ method: this.method, route: this.route, error_type: errorType })
      // Past the cap every new type shares the overflow series: remembering each type that landed
      // there would grow without bound under a flood of distinct error types.
      if (series !== this.table.errorOverflow) this.byErrorType.set(errorType, series)
    }
    return series
  }

  /** Status code → series, for summaries; the overflow series (shared by every route) is left out. */
  * statusSeries (): Iterable<[number, RequestSeries]> {
    for (const entry of this.byStatus) {
      if (entry[1] !== this.table.overflow) yield entry
    }
  }
}

/** State of one route template, shared by every context that serves it. */
class RouteState {
  private readonly methods = new Map<string, MethodState>()

  constructor (readonly route: string, private readonly table: SeriesTable) {}

  method (method: string): MethodState {
    let state = this.methods.get(method)
    if (state === undefined) {
      state = new MethodState(method, this.route, this.table)
      this.methods.set(method, state)
      this.table.methodStates.push(state)
    }
    return state
  }
}

/**
 * Every request series of one plugin instance. Series are created on first use and then only
 * incremented; the number of label sets per family is capped, and what lands over the cap is
 * counted in the overflow series, whose count is what was dropped.
 */
export class SeriesTable {
  readonly series: RequestSeries[] = []
  readonly errorSeries: ErrorSeries[] = []
  readonly methodStates: MethodState[] = []
  overflow: RequestSeries | undefined
  errorOverflow: ErrorSeries | undefined
  private readonly routes = new Map<string, RouteState>()

  constructor (readonly layout: SeriesLayout) {}

  methodState (route: string, method: string): MethodState {
    let state = this.routes.get(route)
    if (state === undefined) {
      state = new RouteState(route, this)
      this.routes.set(route, state)
    }
    return state.method(method)
  }

  addSeries (labels: Record<string, string>): RequestSeries {
    if (this.series.length >= this.layout.maxLabelSets) {
      this.overflow ??= new RequestSeries({ method: OVERFLOW, route: OVERFLOW, status_code: OVERFLOW }, this.layout)
      return this.overflow
    }
    const series = new RequestSeries(labels, this.layout)
    this.series.push(series)
    return series
  }

  addErrorSeries (labels: Record<string, string>): ErrorSeries {
    if (this.errorSeries.length >= this.layout.maxLabelSets) {
      this.errorOverflow ??= new ErrorSeries({ method: OVERFLOW, route: OVERFLOW, error_type: OVERFLOW })
      return this.errorOverflow
    }
    const series = new ErrorSeries(labels)
    this.errorSeries.push(series)
    return series
  }

  /** Series in exposition order: the overflow series, when there is one, comes last. */
  allSeries (): RequestSeries[] {
    return this.overflow === undefined ? this.series : [...this.series, this.overflow]
  }

  allErrorSeries (): ErrorSeries[] {
    return this.errorOverflow === undefined ? this.errorSeries : [...this.errorSeries, this.errorOverflow]
  }

  reset (): void {
    for (const series of this.allSeries()) {
      series.duration.reset()
      series.requestSize?.reset()
      series.responseSize?.reset()
    }
    for (const series of this.allErrorSeries()) series.count = 0
    for (const state of this.methodStates) state.aborted = 0
  }
}
