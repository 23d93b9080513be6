import { histogramFamily, scalarFamily, type SelfRenderedFamily } from '../exposition/self-rendered-family.js'
import type { SeriesTable } from './series.js'

export interface RequestFamilyOptions {
  readonly prefix: string
  /** In-flight and aborted requests are tracked. */
  readonly inFlight: boolean
}

/**
 * The RED families, rendered straight from the series table: a scrape walks arrays of
 * pre-escaped label pairs and never builds a label object.
 */
export function requestFamilies (table: SeriesTable, options: RequestFamilyOptions): SelfRenderedFamily[] {
  const { prefix } = options
  const series = (): ReturnType<SeriesTable['allSeries']> => table.allSeries()
  const families = [
    scalarFamily(`${prefix}http_requests_total`, 'counter',
      'HTTP requests completed, by method, route template and status code.',
      series, (row) => row.duration.count, () => table.reset()),
    histogramFamily(`${prefix}http_request_duration_seconds`,
      'HTTP request duration in seconds, from the start of the request to the end of the response.',
      table.layout.durationBuckets, series, (row) => row.duration,
      table.layout.durationNative === undefined ? undefined : (row) => row.duration.native!),
    scalarFamily(`${prefix}http_request_errors_total`, 'counter',
      'HTTP requests that ended in an error: a thrown or sent error (by its code or name) or a 5xx status without one (by the status code).',
      () => table.allErrorSeries(), (row) => row.count)
  ]

  if (options.inFlight) {
    families.push(
      scalarFamily(`${prefix}http_requests_in_flight`, 'gauge',
        'HTTP requests being served now, by method and route template.',
        () => table.methodStates, (state) => state.inFlight),
      scalarFamily(`${prefix}http_requests_aborted_total`, 'counter',
        'HTTP requests whose client closed the connection before the response was sent.',
        () => table.methodStates, (state) => state.aborted))
  }

  const sizeBuckets = table.layout.sizeBuckets
  if (sizeBuckets !== undefined) {
    families.push(
      histogramFamily(`${prefix}http_request_size_bytes`,
        'HTTP request body size in bytes, from Content-Length.', sizeBuckets, series, (row) => row.requestSize!),
      histogramFamily(`${prefix}http_response_size_bytes`,
        'HTTP response body size in bytes, from Content-Length.', sizeBuckets, series, (row) => row.responseSize!))
  }
  return families
}
