import type { FastifyInstance } from 'fastify'
import { hasNativeHistograms, type NativeHistogramSeries } from '@obs/metrics'
import { HISTOGRAM_SUFFIX } from '../promql/matchers.js'
import type { RawSample } from './series-index.js'

export type Registry = FastifyInstance['metrics']['registry']

/** Where the engine reads series from: every sample of each series name asked for. */
export interface SnapshotSource {
  collect (names: readonly string[]): Promise<Snapshot>
}

export interface Snapshot {
  /** Samples by series name; a name whose family does not exist has an empty list. */
  readonly samples: ReadonlyMap<string, readonly RawSample[]>
  /** Names whose family failed to collect, with the error: their series are kept as they were. */
  readonly failed: ReadonlyMap<string, unknown>
  /**
   * The type of each name's family (`counter`, `gauge`, `histogram`…); a name missing here has
   * no family in the registry. Left out by sources that cannot tell: then nothing is checked.
   */
  readonly types?: ReadonlyMap<string, string>
  /**
   * The native histograms of histogram families that offer them, by the `_bucket` name asked
   * for: a quantile over such a family reads them instead of the classic buckets.
   */
  readonly natives?: ReadonlyMap<string, readonly NativeHistogramSeries[]>
}

/**
 * A sample of a family: @prometheus-io/client gives an unlabelled summary's `_sum` and `_count`
 * no labels object (client_js#838).
 */
type FamilySample = Omit<RawSample, 'labels'> & { labels?: RawSample['labels'], metricName?: string }

interface FamilyData { name: string, type?: string, values: FamilySample[] }

// One object for every sample without labels, so that its series keeps the same label object.
const NO_LABELS: RawSample['labels'] = Object.freeze({})

interface Family {
  get (): Promise<FamilyData> | FamilyData
}

/**
 * Reads the registry directly, one family per name the rules use (not the whole registry): a
 * histogram's `_bucket` and `_count` come from the same family, read once.
 */
export class RegistrySnapshot implements SnapshotSource {
  constructor (private readonly registry: Registry) {}

  async collect (names: readonly string[]): Promise<Snapshot> {
    const samples = new Map<string, RawSample[]>()
    const failed = new Map<string, unknown>()
    const types = new Map<string, string>()
    const natives = new Map<string, readonly NativeHistogramSeries[]>()
    const families = new Map<string, string[]>()
    for (const name of names) {
      samples.set(name, [])
      const family = this.registry.getSingleMetric(name) !== undefined ? name : name.replace(HISTOGRAM_SUFFIX, '')
      families.set(family, [...families.get(family) ?? [], name])
    }
    for (const [familyName, wanted] of families) {
      const family = this.registry.getSingleMetric(familyName) as unknown as Family | undefined
      if (family === undefined) continue
      try {
        const { values, type } = await family.get()
        for (const name of wanted) types.set(name, String(type ?? 'untyped'))
        if (hasNativeHistograms(family)) {
          const list = family.nativeHistograms()
          for (const name of wanted) if (name.endsWith('_bucket')) natives.set(name, list)
        }
        for (const value of values) {
          const sample = value.labels === undefined ? { labels: NO_LABELS, value: value.value } : value as RawSample
          samples.get(value.metricName ?? familyName)?.push(sample)
        }
      } catch (error) {
        for (const name of wanted) {
          samples.delete(name)
          failed.set(name, error)
        }
      }
    }
    return { samples, failed, types, natives }
  }
}
