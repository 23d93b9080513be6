import { type Labels, seriesKey } from './families.js'

const same = (labels: Labels): Labels => labels

/**
 * A series' labels with the default labels merged in, made once per source label object and kept
 * while that object lives: the series then has the same label object from push to push, so that
 * its key (SeriesKeys) is found, not rebuilt. Source label objects are never changed in place (the
 * request families' rows and the client's stored labels are replaced, not edited). New default
 * labels (`registry.setDefaultLabels`) start a new cache.
 */
export class MergedLabels {
  private defaultsKey = ''
  private merged = new WeakMap<Labels, Labels>()

  merger (defaults: Labels): (labels: Labels) => Labels {
    if (Object.keys(defaults).length === 0) return same
    const key = seriesKey(defaults)
    if (key !== this.defaultsKey) {
      this.defaultsKey = key
      this.merged = new WeakMap()
    }
    const cache = this.merged
    return (labels) => {
      let out = cache.get(labels)
      if (out === undefined) cache.set(labels, out = { ...labels, ...defaults })
      return out
    }
  }
}
