import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * Work that runs in slices: the caller checks `due()` between items and awaits `pause()` when it
 * says so, so that collecting and encoding ten thousand series never blocks the event loop for
 * more than about `budgetMs` at a time (requests keep being served during a push).
 */
export class Slicer {
  private sliceStart = performance.now()

  constructor (private readonly budgetMs: number = 2) {}

  due (): boolean {
    return performance.now() - this.sliceStart >= this.budgetMs
  }

  async pause (): Promise<void> {
    await nextTurn()
    this.sliceStart = performance.now()
  }
}
