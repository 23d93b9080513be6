import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Channel } from '../delivery/channel.js'
import type { SavedAlert } from '../engine/lifecycle.js'

/** What survives a restart: the active alerts, and per channel what it owes and whom it told. */
export interface SavedState {
  version: 1
  /** When it was written (the plugin's clock). */
  savedAt: number
  alerts: SavedAlert[]
  channels: Record<string, ReturnType<Channel['save']>>
}

/**
 * The state file: read once at start, written after every evaluation and at close. Written to a
 * temporary file and renamed, so a crash leaves the old state or the new one, never half of one;
 * only the owner can read it (alerts carry annotations and metadata).
 */
export class StateFile {
  private writing: Promise<void> = Promise.resolve()

  constructor (readonly path: string) {}

  /** The saved state, undefined when there is none; throws on a file that is not one. */
  async read (): Promise<SavedState | undefined> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined
      throw error
    }
    const state = JSON.parse(text) as Partial<SavedState>
    if (state.version !== 1 || !Array.isArray(state.alerts) || state.channels === null || typeof state.channels !== 'object') {
      throw new Error('not an @obs/alerts state file (version 1)')
    }
    return state as SavedState
  }

  /** Writes after any write still under way; resolves once this one is on disk. */
  write (state: SavedState): Promise<void> {
    const run = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true })
      const temporary = `${this.path}.${process.pid}.tmp`
      await writeFile(temporary, JSON.stringify(state), { mode: 0o600 })
      await rename(temporary, this.path)
    })
    this.writing = run.catch(() => {})
    return run
  }
}
