import type { Expr } from '../promql/expr.js'
import { leaves } from '../promql/expr.js'
import { HISTOGRAM_SUFFIX, type Matcher } from '../promql/matchers.js'
import { SeriesIndex } from './series-index.js'
import type { Snapshot } from './registry-snapshot.js'
import { AbsentSource } from './absent-source.js'
import { CounterSource } from './counter-source.js'
import { GaugeSource } from './gauge-source.js'
import { NativeQuantileSource } from './native-source.js'
import type { Vector } from '../promql/vector.js'
import type { Limits } from './selector-source.js'
import { noPause, type Pause } from '../slices.js'

export interface SourceStats {
  /** Series the sources track. */
  series: number
  /** Series left out by maxSeries/maxGroups, counted when they appeared. */
  overLimit: number
  /** Counter groups (label combinations after `by`). */
  groups: number
  /** History sample slots held (each two numbers). */
  samples: number
}

type Leaf = Extract<Expr, { op: 'sumRate' | 'quantile' | 'aggregate' | 'absent' }>

const matchersKey = (matchers: readonly Matcher[]): string => matchers.map((m) => `${m.name}${m.type}${m.value}`).join('\xff')

/**
 * The sources that a set of expressions reads, shared between leaves that select the same
 * series the same way (two rules over `http_requests_total` by route read it once).
 */
export class SourceSet {
  private readonly indexes = new Map<string, SeriesIndex>()
  private readonly counters = new Map<string, CounterSource>()
  private readonly gauges = new Map<string, GaugeSource>()
  private readonly absents = new Map<string, AbsentSource>()
  /** Native histogram sources of quantile leaves, by the same key as their classic source, and by `_bucket` name. */
  private readonly natives = new Map<string, NativeQuantileSource>()
  private readonly nativeNames = new Map<NativeQuantileSource, string>()
  private readonly nativeByLeaf = new Map<Expr, NativeQuantileSource>()
  private readonly byLeaf = new Map<Expr, CounterSource | GaugeSource | AbsentSource>()
  /** Series names whose family failed in the last snapshot. */
  failed: ReadonlyMap<string, unknown> = new Map()
  /** Family types of the last snapshot, by series name (undefined: the source cannot tell). */
  private types: ReadonlyMap<string, string> | undefined
  private readonly leafNames = new Map<Expr, string>()

  constructor (exprs: readonly Expr[], private readonly limits: Limits) {
    this.addExprs(exprs)
  }

  /** Reads what these expressions need too (rules added at run time); known series are taken as a baseline. */
  addExprs (exprs: readonly Expr[]): void {
    for (const expr of exprs) {
      for (const leaf of leaves(expr)) {
        if (leaf.op === 'custom' || leaf.op === 'record') continue
        this.add(leaf as Leaf)
      }
    }
  }

  /** Stops reading for these expressions (removed rules): a source no other leaf reads is dropped. */
  removeExprs (exprs: readonly Expr[]): void {
    for (const expr of exprs) {
      for (const leaf of leaves(expr)) {
        this.byLeaf.delete(leaf)
        this.leafNames.delete(leaf)
        this.nativeByLeaf.delete(leaf)
      }
    }
    const reading = new Set(this.nativeByLeaf.values())
    for (const [key, native] of this.natives) {
      if (reading.has(native)) continue
      this.natives.delete(key)
      this.nativeNames.delete(native)
    }
    const used = new Set(this.byLeaf.values())
    for (const map of [this.counters, this.gauges, this.absents] as Array<Map<string, CounterSource | GaugeSource | AbsentSource>>) {
      for (const [key, source] of map) {
        if (used.has(source)) continue
        map.delete(key)
        for (const [name, index] of this.indexes) {
          if (index.detach(source) === 0) this.indexes.delete(name)
        }
      }
    }
  }

  private index (name: string): SeriesIndex {
    let index = this.indexes.get(name)
    if (index === undefined) this.indexes.set(name, index = new SeriesIndex(name))
    return index
  }

  private add (leaf: Leaf): void {
    const { metric, matchers } = leaf.selector
    const selectorKey = `${metric}\xfe${matchersKey(matchers)}`
    this.leafNames.set(leaf, metric)
    if (leaf.op === 'sumRate' || leaf.op === 'quantile') {
      const by = leaf.op === 'quantile' ? [...leaf.by, 'le'].sort() : leaf.by
      const key = `${selectorKey}\xfe${by.join(',')}`
      let source = this.counters.get(key)
      if (source === undefined) {
        source = new CounterSource(matchers, by, this.limits)
        this.counters.set(key, source)
        this.index(metric).attach(source)
      }
      source.window(leaf.window)
      this.byLeaf.set(leaf, source)
      if (leaf.op === 'quantile') {
        let native = this.natives.get(key)
        if (native === undefined) {
          native = new NativeQuantileSource(matchers, leaf.by, this.limits)
          this.natives.set(key, native)
          this.nativeNames.set(native, metric)
        }
        native.window(leaf.window)
        this.nativeByLeaf.set(leaf, native)
      }
    } else if (leaf.op === 'aggregate') {
      const key = `${selectorKey}\xfe${leaf.agg}\xfe${leaf.by.join(',')}`
      let source = this.gauges.get(key)
      if (source === undefined) {
        source = new GaugeSource(matchers, leaf.agg, leaf.by, this.limits)
        this.gauges.set(key, source)
        this.index(metric).attach(source)
      }
      this.byLeaf.set(leaf, source)
    } else {
      let source = this.absents.get(selectorKey)
      if (source === undefined) {
        source = new AbsentSource(matchers, this.limits)
        this.absents.set(selectorKey, source)
        this.index(metric).attach(source)
      }
      this.byLeaf.set(leaf, source)
    }
  }

  /** Series names to collect. */
  get names (): string[] {
    return [...this.indexes.keys()]
  }

  /**
   * Takes in one snapshot taken at `now`. Series of a family that failed keep their values.
   * `pause` comes between two names and between two sources: the snapshot's samples must stay
   * as they are meanwhile (RegistrySnapshot hands out copies).
   */
  async ingest (snapshot: Snapshot, now: number, pause: Pause = noPause): Promise<void> {
    this.failed = snapshot.failed
    this.types = snapshot.types
    for (const [name, index] of this.indexes) {
      const samples = snapshot.samples.get(name)
      if (samples === undefined) continue
      await index.ingest(samples, pause)
      await pause()
    }
    for (const source of this.counters.values()) {
      source.update(now)
      await pause()
    }
    for (const source of this.gauges.values()) source.update()
    for (const [native, name] of this.nativeNames) {
      if (!snapshot.failed.has(name)) native.ingest(snapshot.natives?.get(name), now)
      await pause()
    }
  }

  /**
   * A quantile over the native buckets, when the histogram's family offered native histograms
   * in the last snapshot; undefined when it did not (the classic buckets are read instead).
   */
  nativeQuantile (leaf: Extract<Expr, { op: 'quantile' }>, now: number): Vector | undefined {
    const native = this.nativeByLeaf.get(leaf)
    return native?.present === true ? native.quantile(leaf.q, leaf.window, now) : undefined
  }

  /** The error that makes a leaf unreadable this cycle, if its family failed. */
  failure (leaf: Expr): unknown {
    const name = this.leafNames.get(leaf)
    return name === undefined ? undefined : this.failed.get(name)
  }

  /**
   * Why a leaf can never give a result, if it cannot: its metric is not in the registry
   * (misspelled, or never registered), or it is of a type the leaf cannot read (a rate over a
   * gauge, a quantile over anything but a histogram). Absence is what `absent()` looks for.
   */
  unreadable (leaf: Expr): string | undefined {
    const name = this.leafNames.get(leaf)
    if (this.types === undefined || name === undefined || leaf.op === 'absent' || this.failed.has(name)) return undefined
    const type = this.types.get(name)
    if (type === undefined) return `no metric named ${name.replace(HISTOGRAM_SUFFIX, '')} is registered (misspelled, or not registered yet)`
    if (leaf.op === 'quantile' && type !== 'histogram') return `${name.replace(HISTOGRAM_SUFFIX, '')} is a ${type}, not a histogram: it has no buckets`
    if (leaf.op === 'sumRate' && type === 'gauge') return `${name} is a gauge: rate() reads counters`
    return undefined
  }

  /** Whether the source of a rate has watched its series for the whole window at `now`. */
  watched (leaf: Extract<Expr, { op: 'sumRate' }>, now: number): boolean {
    return (this.byLeaf.get(leaf) as CounterSource).watched(leaf.window, now)
  }

  /**
   * Throws when the histogram a bucket selector reads has series but no bucket at its `bound`:
   * the selector would match nothing, and the rule would never fire.
   */
  checkBound (leaf: Extract<Expr, { op: 'sumRate' }>): void {
    const { bound, selector } = leaf
    const index = this.indexes.get(selector.metric)
    if (bound === undefined || index === undefined || index.size === 0) return
    const bounds = [...index.les.keys()].map(Number)
    if (bounds.includes(bound)) return
    const list = bounds.filter(Number.isFinite).sort((a, b) => a - b)
    throw new Error(`${bound} is not a bucket bound of ${selector.metric.replace(HISTOGRAM_SUFFIX, '')} (its bounds: ${list.slice(0, 20).join(', ')}${list.length > 20 ? ', …' : ''}): no request can count as faster than it`)
  }

  counter (leaf: Expr): CounterSource {
    return this.byLeaf.get(leaf) as CounterSource
  }

  gauge (leaf: Expr): GaugeSource {
    return this.byLeaf.get(leaf) as GaugeSource
  }

  absent (leaf: Expr): AbsentSource {
    return this.byLeaf.get(leaf) as AbsentSource
  }

  /** How many series the sources track and left out, for the self-metrics and tests. */
  stats (): SourceStats {
    let series = 0
    let overLimit = 0
    let groups = 0
    let samples = 0
    for (const source of this.counters.values()) {
      series += source.seriesCount
      overLimit += source.overLimit
      groups += source.groupCount
      samples += source.sampleSlots
    }
    for (const source of this.gauges.values()) {
      series += source.seriesCount
      overLimit += source.overLimit
    }
    for (const source of this.absents.values()) overLimit += source.overLimit
    return { series, overLimit, groups, samples }
  }
}
