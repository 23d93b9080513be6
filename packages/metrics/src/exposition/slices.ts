import { setImmediate as nextTurn } from 'node:timers/promises'

/** How long one slice of a scrape may hold the event loop before handing it back. */
export const SLICE_BUDGET_MS = 2

// Reading the clock costs more than writing a short line: look at it every so many pieces.
const PIECES_PER_CHECK = 32

// Pieces are written straight into buffers of this size: a string built with `+=` is a tree of
// its pieces, and copying 100,000 series' worth of them into one flat string (as encoding, joining
// or sending it does) takes tens of milliseconds in one go.
const CHUNK_BYTES = 64 * 1024

/**
 * A piece of no bytes: where a family that is still being encoded, and can send nothing yet (a
 * protobuf message's length goes before it), lets its slice end.
 */
export const PAUSE: Uint8Array = new Uint8Array(0)

/**
 * Writes pieces (text, as UTF-8, or bytes already encoded) in slices of at most `budgetMs` of work
 * each, handing the event loop back (setImmediate, so that pending I/O runs) between slices: a
 * scrape of 100,000 series then never blocks the requests being served for more than a slice.
 * Returns the buffers, in order. Pieces are pulled lazily: a family's generator does its work
 * inside the slices.
 */
export async function writeInSlices (families: Iterable<Iterable<string | Uint8Array>>, budgetMs = SLICE_BUDGET_MS): Promise<Buffer[]> {
  const chunks: Buffer[] = []
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  let used = 0
  let pieces = 0
  let deadline = performance.now() + budgetMs
  for (const family of families) {
    for (const piece of family) {
      // A UTF-16 code unit takes at most 3 bytes in UTF-8.
      const room = typeof piece === 'string' ? piece.length * 3 : piece.byteLength
      if (room > buffer.length - used) {
        if (used > 0) chunks.push(buffer.subarray(0, used))
        buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room))
        used = 0
      }
      if (typeof piece === 'string') {
        used += buffer.write(piece, used)
      } else {
        buffer.set(piece, used)
        used += piece.byteLength
      }
      if (++pieces % PIECES_PER_CHECK === 0 && performance.now() >= deadline) {
        await nextTurn()
        deadline = performance.now() + budgetMs
      }
    }
  }
  if (used > 0) chunks.push(buffer.subarray(0, used))
  return chunks
}
