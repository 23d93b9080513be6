import type { FastifyInstance } from 'fastify'
import { hasNativeHistograms, type NativeHistogramSeries } from '@obs/metrics'
import { HISTOGRAM_SUFFIX } from '../promql/matchers.js'
import { ColumnSample, NumberColumn } from '../promql/number-column.js'
import { noPause, type Pause } from '../slices.js'
import type { RawSample } from './series-index.js'

export type Registry = FastifyInstance['metrics']['registry']

/** Where the engine reads series from: every sample of each series name asked for. */
export interface SnapshotSource {
  /** `pause` may come between two families: a source that yields must not let what it returns change meanwhile. */
  collect (names: readonly string[], pause?: Pause): Promise<Snapshot>
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

/** Copies of the samples of one name, owned by the snapshot source and refilled at every read; the values in a Float64Array (see NumberColumn). */
interface Copies { readonly samples: Array<ColumnSample<RawSample['labels']>>, readonly values: NumberColumn }

/**
 * Reads the registry directly, one family per name the rules use (not the whole registry): a
 * histogram's `_bucket` and `_count` come from the same family, read once.
 */
export class RegistrySnapshot implements SnapshotSource {
  /**
   * The samples of each name, copied out of the family right after its `get()`: families update
   * the objects they hand out in place at their next read (and the client's counters at every
   * `inc`), so the copy is what lets a cycle yield between families and still see each family as
   * it was read. The copies are kept and refilled: a cycle over 100,000 series makes none anew.
   */
  private readonly copies = new Map<string, Copies>()

  constructor (private readonly registry: Registry) {}

  async collect (names: readonly string[], pause: Pause = noPause): Promise<Snapshot> {
    const samples = new Map<string, RawSample[]>()
    const failed = new Map<string, unknown>()
    const types = new Map<string, string>()
    const natives = new Map<string, readonly NativeHistogramSeries[]>()
    const families = new Map<string, string[]>()
    const counts = new Map<string, number>()
    for (const name of names) {
      const family = this.registry.getSingleMetric(name) !== undefined ? name : name.replace(HISTOGRAM_SUFFIX, '')
      families.set(family, [...families.get(family) ?? [], name])
    }
    for (const [familyName, wanted] of families) {
      const family = this.registry.getSingleMetric(familyName) as unknown as Family | undefined
      for (const name of wanted) counts.set(name, 0)
      if (family === undefined) continue
      try {
        const { values, type } = await family.get()
        for (const name of wanted) types.set(name, String(type ?? 'untyped'))
        if (hasNativeHistograms(family)) {
          const list = family.nativeHistograms()
          for (const name of wanted) if (name.endsWith('_bucket')) natives.set(name, list)
        }
        // The names of a family come interleaved (a histogram's `_bucket`, `_sum`, `_count` per series).
        const into = wanted.map((name) => ({ name, copies: this.copiesOf(name), count: 0 }))
        let target = into[0]
        for (let i = 0; i < values.length; i++) {
          const value = values[i]!
          const name = value.metricName ?? familyName
          if (target === undefined || target.name !== name) {
            target = undefined
            for (const entry of into) if (entry.name === name) target = entry
            if (target === undefined) continue
          }
          const at = target.count++
          const { samples: copies, values: numbers } = target.copies
          const labels = value.labels ?? NO_LABELS
          numbers.set(at, value.value)
          const copy = copies[at]
          if (copy === undefined) copies.push(new ColumnSample(numbers, at, labels))
          else copy.labels = labels
        }
        for (const { name, count } of into) counts.set(name, count)
      } catch (error) {
        for (const name of wanted) {
          counts.delete(name)
          failed.set(name, error)
        }
      }
      await pause()
    }
    for (const [name, count] of counts) {
      const copies = this.copiesOf(name).samples
      copies.length = count
      samples.set(name, copies)
    }
    // Names no longer asked for give their copies back.
    for (const name of this.copies.keys()) if (!counts.has(name) && !failed.has(name)) this.copies.delete(name)
    return { samples, failed, types, natives }
  }

  private copiesOf (name: string): Copies {
    let copies = this.copies.get(name)
    if (copies === undefined) this.copies.set(name, copies = { samples: [], values: new NumberColumn() })
    return copies
  }
}
