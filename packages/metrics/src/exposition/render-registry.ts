import type { Registry } from '@prometheus-io/client'
import { type CollectedMetric, collectClientMetric } from './client-metric.js'
import type { ExpositionFormat } from './negotiate.js'
import { ProtobufExposition } from './protobuf-format.js'
import { isSelfRendering, type SelfRenderingMetric } from './self-rendered-family.js'
import { writeInSlices, SLICE_BUDGET_MS } from './slices.js'
import { labelPairs, type MetricObject, registryDefaultLabels } from './text-format.js'

/** A family of the registry, ready to be written: our own, or a plain client metric once collected. */
type ReadyFamily = { own: SelfRenderingMetric } | { collected: CollectedMetric }

/**
 * Renders every family in `registry` in one format. `defaultLabels` are added to every sample
 * and win over the registry's own default labels and over a sample's labels of the same name.
 * A family whose collect function fails is left out and reported; the rest is still served.
 *
 * The exposition is written in slices of at most `sliceBudgetMs` each, handing the event loop
 * back in between. It comes back as buffers (UTF-8 text, or delimited MetricFamily messages), in
 * order.
 */
export async function renderRegistry (
  registry: Registry,
  format: ExpositionFormat,
  defaultLabels: Readonly<Record<string, string>>,
  onCollectError: (metric: string, error: unknown) => void,
  sliceBudgetMs = SLICE_BUDGET_MS
): Promise<Buffer[]> {
  const families = await collectFamilies(registry, format === 'protobuf', onCollectError)
  const labels = { ...registryDefaultLabels(registry), ...defaultLabels }
  // Each format is a generator of pieces per family (text, or bytes already encoded); the slices
  // are the same for all.
  const pieces = format === 'protobuf' ? protobufFamilies(families, labels) : textFamilies(families, format, labels)
  const chunks = await writeInSlices(pieces, sliceBudgetMs)
  if (format === 'openmetrics') chunks.push(Buffer.from('# EOF\n'))
  return chunks
}

/**
 * Plain @prometheus-io/client metrics may collect asynchronously: collect them all at once, in
 * registry order. Our own families need no collecting. `nativeHistograms`: the format writes them.
 */
async function collectFamilies (
  registry: Registry, nativeHistograms: boolean, onCollectError: (metric: string, error: unknown) => void
): Promise<ReadyFamily[]> {
  const metrics = registry.getMetricsAsArray() as unknown as Array<{ name: string, get (): Promise<MetricObject> }>
  const ready = await Promise.all(metrics.map(async (metric): Promise<ReadyFamily | undefined> => {
    if (isSelfRendering(metric)) return { own: metric }
    try {
      return { collected: await collectClientMetric(metric, { nativeHistograms }) }
    } catch (error) {
      onCollectError(metric.name, error)
      return undefined
    }
  }))
  return ready.filter((family) => family !== undefined)
}

/** Each family's text in the Prometheus text format or OpenMetrics, a series at a time. */
function * textFamilies (families: readonly ReadyFamily[], format: ExpositionFormat, labels: Readonly<Record<string, string>>): Iterable<Iterable<string>> {
  const defaults = labelPairs(labels)
  for (const family of families) {
    yield 'own' in family ? family.own.exposition(format, defaults) : family.collected.lines(format, labels, defaults)
  }
}

/** Each family as delimited MetricFamily messages, in pieces written a series at a time. */
function * protobufFamilies (families: readonly ReadyFamily[], labels: Readonly<Record<string, string>>): Iterable<Iterable<Uint8Array>> {
  const out = new ProtobufExposition(labels)
  for (const family of families) {
    yield 'own' in family ? family.own.protobuf(out) : family.collected.protobuf(out)
  }
}
