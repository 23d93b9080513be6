import { braces, counterSampleName } from './exposition.js'
import { renderLes, type FixedHistogram } from './fixed-histogram.js'
import type { RequestSeries, SeriesTable } from './request-series.js'
import { type SampleValue, SelfRenderedFamily } from './self-rendered-family.js'

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
  const families = [
    scalarFamily(`${prefix}http_requests_total`, 'counter',
      'HTTP requests completed, by method, route template and status code.',
      () => table.allSeries(), (series) => series.duration.count, () => table.reset()),
    histogramFamily(table, `${prefix}http_request_duration_seconds`,
      'HTTP request duration in seconds, from the start of the request to the end of the response.',
      renderLes(table.layout.durationBuckets), (series) => series.duration),
    scalarFamily(`${prefix}http_request_errors_total`, 'counter',
      'HTTP requests that ended in an error: a thrown or sent error (by its code or name) or a 5xx status without one (by the status code).',
      () => table.allErrorSeries(), (series) => series.count)
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
    const sizeLes = renderLes(sizeBuckets)
    families.push(
      histogramFamily(table, `${prefix}http_request_size_bytes`,
        'HTTP request body size in bytes, from Content-Length.', sizeLes, (series) => series.requestSize!),
      histogramFamily(table, `${prefix}http_response_size_bytes`,
        'HTTP response body size in bytes, from Content-Length.', sizeLes, (series) => series.responseSize!))
  }
  return families
}

interface Row {
  readonly pairs: string
  readonly labels: Readonly<Record<string, string>>
}

/** A counter or gauge with one sample per row. */
export function scalarFamily<R extends Row> (
  name: string, type: 'counter' | 'gauge', help: string,
  rows: () => readonly R[], value: (row: R) => number, reset?: () => void
): SelfRenderedFamily {
  return new SelfRenderedFamily({
    name,
    help,
    type,
    samples: (format, defaults) => {
      const sample = type === 'counter' ? counterSampleName(name, format) : name
      let out = ''
      for (const row of rows()) out += `${sample}${braces(row.pairs, defaults)} ${value(row)}\n`
      return out
    },
    values: () => rows().map((row) => ({ labels: row.labels, value: value(row) })),
    ...(reset === undefined ? {} : { reset })
  })
}

function histogramFamily (
  table: SeriesTable, name: string, help: string, les: readonly string[],
  pick: (series: RequestSeries) => FixedHistogram
): SelfRenderedFamily {
  return new SelfRenderedFamily({
    name,
    help,
    type: 'histogram',
    samples: (format, defaults) => {
      let out = ''
      for (const series of table.allSeries()) out += pick(series).render(name, series.pairs, defaults, les, format)
      return out
    },
    values: () => {
      const out: SampleValue[] = []
      for (const series of table.allSeries()) {
        for (const value of pick(series).values(name, series.labels)) out.push(value)
      }
      return out
    }
  })
}
