import type { Registry } from '@prometheus-io/client'
import type { SampleValue } from '../exposition/histogram-values.js'
import { SelfRenderedFamily } from '../exposition/self-rendered-family.js'
import { type Exemplar, registryDefaultLabels } from '../exposition/text-format.js'
import { hasNativeHistograms } from '../native/snapshot.js'
import { type ExponentialPoint, type HistogramPoint, type Labels, type PushFamily, type PushSnapshot, type ScalarPoint, seriesKey, type SummaryPoint } from './families.js'
import { MergedLabels } from './merged-labels.js'
import type { Slicer } from './slices.js'

interface ClientFamily {
  name: string
  help: string
  type: string
  values: Array<SampleValue & { exemplar?: ClientExemplar | null }>
}
interface ClientExemplar { labelSet: Record<string, string | number>, value: number | null, timestamp?: number }
interface RegistryMetric { name: string, get (): Promise<ClientFamily> | ClientFamily }

/**
 * Reads every family of `registry` as push data: plain client metrics through their `get()`, the
 * self-rendered request histograms from their own data (so exemplars come along), native
 * histograms through `nativeHistograms()`. Labels are merged as `/metrics` merges them: the
 * registry's default labels, then the plugin's, win over a series' own (`mergedLabels`, kept from
 * push to push, makes each merged label set once). A family whose collect fails is left out and
 * reported, as in a scrape.
 */
export async function collectRegistry (
  registry: Registry,
  defaultLabels: Labels,
  onCollectError: (metric: string, error: unknown) => void,
  slicer: Slicer,
  mergedLabels: MergedLabels = new MergedLabels()
): Promise<PushSnapshot> {
  const merge = mergedLabels.merger({ ...registryDefaultLabels(registry), ...defaultLabels })
  const families: PushFamily[] = []
  for (const metric of registry.getMetricsAsArray() as unknown as RegistryMetric[]) {
    if (slicer.due()) await slicer.pause()
    try {
      const family = await collectFamily(metric, merge, slicer)
      if (family !== undefined) families.push(family)
    } catch (error) {
      onCollectError(metric.name, error)
    }
  }
  return { families, timeMs: Date.now() }
}

async function collectFamily (metric: RegistryMetric, merge: (labels: Labels) => Labels, slicer: Slicer): Promise<PushFamily | undefined> {
  if (hasNativeHistograms(metric)) {
    const { name, help } = metric as unknown as { name: string, help: string }
    const exemplars = metric instanceof SelfRenderedFamily ? classicExemplars(metric) : undefined
    const points = metric.nativeHistograms().map((series): ExponentialPoint => ({
      labels: merge(series.labels), histogram: series.histogram, exemplars: exemplars?.get(series.labels)
    }))
    return { kind: 'exponential', name, help: help ?? '', points }
  }
  if (metric instanceof SelfRenderedFamily) {
    const series = metric.histogramSeries()
    if (series !== undefined) {
      // Copied now: the live histograms keep counting while the push is encoded in slices.
      const points: HistogramPoint[] = []
      for (const { labels, data } of series) {
        if (slicer.due()) await slicer.pause()
        points.push({
          labels: merge(labels),
          bounds: data.bounds,
          counts: copyOf(data.counts),
          sum: data.sum,
          count: data.count,
          exemplars: data.exemplars === undefined ? undefined : [...data.exemplars]
        })
      }
      return { kind: 'histogram', name: metric.name, help: metric.help, points }
    }
  }
  return fromClientFamily(await metric.get(), merge)
}

/**
 * The request families' exemplars (one per classic bucket), by the series' label object, which
 * their native histograms share: OTLP carries them on the exponential point.
 */
function classicExemplars (family: SelfRenderedFamily): Map<Labels, ReadonlyArray<Exemplar | undefined>> | undefined {
  const series = family.histogramSeries()
  if (series === undefined) return undefined
  const out = new Map<Labels, ReadonlyArray<Exemplar | undefined>>()
  for (const { labels, data } of series) {
    if (data.exemplars !== undefined && data.exemplars.some((e) => e !== undefined)) out.set(labels, [...data.exemplars])
  }
  return out
}

function fromClientFamily (family: ClientFamily, merge: (labels: Labels) => Labels): PushFamily | undefined {
  const { name, help } = family
  switch (family.type) {
    case 'counter':
    case 'gauge':
    case 'untyped': {
      const points = family.values.map((value): ScalarPoint => ({
        labels: merge(stringLabels(value.labels)), value: value.value, exemplar: exemplarOf(value.exemplar)
      }))
      return { kind: family.type === 'counter' ? 'counter' : 'gauge', name, help, points }
    }
    case 'histogram': return { kind: 'histogram', name, help, points: histogramPoints(family, merge) }
    case 'summary': return { kind: 'summary', name, help, points: summaryPoints(family, merge) }
    default: return undefined
  }
}

/** A plain array (Array.from walks a typed array through its iterator, far slower). */
function copyOf (values: ArrayLike<number>): number[] {
  const out = new Array<number>(values.length)
  for (let i = 0; i < values.length; i++) out[i] = values[i]!
  return out
}

/**
 * The labels as strings. Labels that already are (the usual case) are kept as the same object, so
 * that a series keeps its key from push to push (SeriesKeys) and nothing is copied.
 */
function stringLabels (labels: SampleValue['labels'] | undefined, without?: string): Labels {
  if (labels === undefined) return {}
  if (allStrings(labels, without)) return labels as Labels
  const out: Record<string, string> = {}
  for (const name in labels) {
    const value = labels[name]
    if (name !== without && value !== undefined) out[name] = String(value)
  }
  return out
}

function allStrings (labels: NonNullable<SampleValue['labels']>, without: string | undefined): boolean {
  for (const name in labels) {
    if (name === without || typeof labels[name] !== 'string') return false
  }
  return true
}

function exemplarOf (exemplar: ClientExemplar | null | undefined): Exemplar | undefined {
  if (exemplar == null || exemplar.value === null || Object.keys(exemplar.labelSet).length === 0) return undefined
  return { labels: stringLabels(exemplar.labelSet), value: exemplar.value, timestamp: exemplar.timestamp ?? Date.now() / 1000 }
}

interface HistogramBuilder {
  labels: Labels
  bounds: number[]
  cumulative: number[]
  exemplars: Array<Exemplar | undefined>
  sum: number
  count: number
}

/** The client writes cumulative `_bucket` samples with `le`, then `_sum` and `_count`, per series. */
function histogramPoints (family: ClientFamily, merge: (labels: Labels) => Labels): HistogramPoint[] {
  const series = new Map<string, HistogramBuilder>()
  for (const value of family.values) {
    const labels = stringLabels(value.labels, 'le')
    const key = seriesKey(labels)
    let builder = series.get(key)
    if (builder === undefined) {
      builder = { labels, bounds: [], cumulative: [], exemplars: [], sum: 0, count: 0 }
      series.set(key, builder)
    }
    const suffix = value.metricName?.slice(family.name.length)
    if (suffix === '_bucket') {
      const le = Number(value.labels?.le)
      if (Number.isFinite(le)) builder.bounds.push(le)
      builder.cumulative.push(value.value)
      builder.exemplars.push(exemplarOf(value.exemplar))
    } else if (suffix === '_sum') builder.sum = value.value
    else if (suffix === '_count') builder.count = value.value
  }
  return [...series.values()].map((b) => ({
    labels: merge(b.labels),
    bounds: b.bounds,
    counts: b.cumulative.map((c, i) => i === 0 ? c : c - b.cumulative[i - 1]!),
    sum: b.sum,
    count: b.count,
    exemplars: b.exemplars.some((e) => e !== undefined) ? b.exemplars : undefined
  }))
}

function summaryPoints (family: ClientFamily, merge: (labels: Labels) => Labels): SummaryPoint[] {
  const series = new Map<string, { labels: Labels, sum: number, count: number, quantiles: Array<[number, number]> }>()
  for (const value of family.values) {
    const labels = stringLabels(value.labels, 'quantile')
    const key = seriesKey(labels)
    let builder = series.get(key)
    if (builder === undefined) {
      builder = { labels, sum: 0, count: 0, quantiles: [] }
      series.set(key, builder)
    }
    const suffix = value.metricName === undefined ? '' : value.metricName.slice(family.name.length)
    if (suffix === '_sum') builder.sum = value.value
    else if (suffix === '_count') builder.count = value.value
    else if (value.labels?.quantile !== undefined) builder.quantiles.push([Number(value.labels.quantile), value.value])
  }
  return [...series.values()].map((b) => ({ labels: merge(b.labels), sum: b.sum, count: b.count, quantiles: b.quantiles }))
}
