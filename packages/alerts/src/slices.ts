import { performance } from 'node:perf_hooks'

/** Called between two steps of a cycle: a promise when the cycle should let the event loop run first. */
export type Pause = () => Promise<void> | undefined

/** Never pauses: for callers that run a cycle in one go. */
export const noPause: Pause = () => undefined

/**
 * Splits a long evaluation cycle into slices: once `sliceMs` of work have passed since the event
 * loop last ran, the next step waits for a `setImmediate`, so that requests and timers run in
 * between. A cycle over 100,000 series takes tens of milliseconds: in one go it would hold every
 * request back that long. Real time only decides where the slices end, never what a rule sees
 * (that is the engine's clock).
 */
export function slicer (sliceMs: number): Pause {
  let since = performance.now()
  const resume = (resolve: () => void): void => {
    setImmediate(() => {
      since = performance.now()
      resolve()
    })
  }
  return () => performance.now() - since < sliceMs ? undefined : new Promise(resume)
}
