import { scalarFamily, type SelfRenderedFamily } from '../exposition/self-rendered-family.js'
import type { OverflowCounter } from './cardinality.js'

/** `obs_metrics_cardinality_overflow_total{metric}`: what each capped metric dropped into its overflow series. */
export function overflowFamily (prefix: string, overflow: OverflowCounter): SelfRenderedFamily {
  return scalarFamily(`${prefix}obs_metrics_cardinality_overflow_total`, 'counter',
    'Observations recorded in the overflow series because the metric reached its cap on label sets.',
    () => overflow.sources, (source) => source.read())
}
