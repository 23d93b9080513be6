/**
 * One run at a time, shared: whoever asks while a run is in progress gets that run's result,
 * and nobody gets a result that started before they asked.
 */
export class SharedRun<T> {
  private current: Promise<T> | undefined

  /** The run in progress, else a new one from `start` (which must not reject). */
  get (start: () => Promise<T>): Promise<T> {
    if (this.current !== undefined) return this.current
    const current = start()
    this.current = current
    const release = (): void => { if (this.current === current) this.current = undefined }
    current.then(release, release)
    return current
  }
}
