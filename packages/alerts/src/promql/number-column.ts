/**
 * Numbers that long-lived objects would otherwise hold in a field, kept in one growable
 * Float64Array. V8 keeps a fractional number stored in an object's field in a heap box of its
 * own, a new one at every store: when the holder is old (a series, a reused sample), each box
 * it points to outlives the next young-generation collection and is copied, then promoted, and
 * is garbage by the next cycle. Written into a Float64Array, a number is eight bytes in place.
 */
export class NumberColumn {
  values: Float64Array<ArrayBuffer>

  constructor (size = 16) {
    this.values = new Float64Array(size)
  }

  /** Writes `value` at `at`, growing the column (to twice its size or more) when needed. */
  set (at: number, value: number): void {
    if (at >= this.values.length) {
      const grown = new Float64Array(Math.max(at + 1, this.values.length * 2))
      grown.set(this.values)
      this.values = grown
    }
    this.values[at] = value
  }
}

/** A sample whose value lives in a NumberColumn (read at each access: valid while its owner keeps the column). */
export class ColumnSample<L> {
  constructor (private readonly column: NumberColumn, private readonly at: number, public labels: L) {}

  get value (): number {
    return this.column.values[this.at]!
  }
}
