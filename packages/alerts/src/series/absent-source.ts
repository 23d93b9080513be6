import { SelectorSource } from './selector-source.js'
import type { Slot } from './series-index.js'

/** Whether any series of a selector exists (for `absent()`). */
export class AbsentSource extends SelectorSource {
  private members: Slot[] = []

  protected accept (slot: Slot): boolean {
    if (this.members.length >= this.limits.maxSeries) return false
    this.members.push(slot)
    return true
  }

  present (): boolean {
    if (this.members.some((slot) => slot.gone)) this.members = this.members.filter((slot) => !slot.gone)
    return this.members.length > 0
  }
}
