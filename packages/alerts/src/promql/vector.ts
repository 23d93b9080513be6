/** One element of an instant vector: a label set and its value. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

/** An instant vector: samples by the canonical key of their labels. */
export type Vector = Map<string, Sample>

/** A canonical key of a label set: sorted names and values. */
export function labelKey (labels: Readonly<Record<string, string | number>>): string {
  const names = Object.keys(labels).sort()
  let key = ''
  for (const name of names) key += `${name}\xff${String(labels[name])}\xfe`
  return key
}
