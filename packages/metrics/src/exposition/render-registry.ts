import type { Registry } from '@prometheus-io/client'
import type { ExpositionFormat } from './negotiate.js'
import { isSelfRendering } from './self-rendered-family.js'
import { labelPairs, metricObjectLines, type MetricObject, registryDefaultLabels } from './text-format.js'

/**
 * Renders every family in `registry` in one format. `defaultLabels` are added to every sample
 * and win over the registry's own default labels and over a sample's labels of the same name.
 * A family whose collect function fails is left out and reported; the rest is still served.
 */
export async function renderRegistry (
  registry: Registry,
  format: ExpositionFormat,
  defaultLabels: Readonly<Record<string, string>>,
  onCollectError: (metric: string, error: unknown) => void
): Promise<string> {
  const labels = { ...registryDefaultLabels(registry), ...defaultLabels }
  const defaults = labelPairs(labels)
  const metrics = registry.getMetricsAsArray() as unknown as Array<{ name: string, get (): Promise<MetricObject> }>

  // Plain @prometheus-io/client metrics may collect asynchronously: collect them all at once.
  const collected = await Promise.all(metrics.map(async (metric): Promise<MetricObject | undefined> => {
    if (isSelfRendering(metric)) return undefined
    try {
      return await metric.get()
    } catch (error) {
      onCollectError(metric.name, error)
      return undefined
    }
  }))

  let out = ''
  for (let i = 0; i < metrics.length; i++) {
    const metric = metrics[i]!
    if (isSelfRendering(metric)) {
      out += metric.renderExposition(format, defaults)
    } else {
      const object = collected[i]
      if (object !== undefined) out += metricObjectLines(object, format, labels, defaults)
    }
  }
  return format === 'openmetrics' ? `${out}# EOF\n` : out
}
