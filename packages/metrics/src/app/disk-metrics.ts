import { statfsSync, type StatsFs } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import { InvalidOptionError } from '../errors.js'
import type { AppMetrics } from './app-metrics.js'

/**
 * Checks the `diskPaths` option once, at registration: absolute paths that `statfs` can read
 * now (a typo fails at start, not silently at every scrape), each once.
 */
export function resolveDiskPaths (value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((path) => typeof path === 'string' && isAbsolute(path))) {
    throw new InvalidOptionError('diskPaths', 'expected an array of absolute paths')
  }
  for (const path of value as string[]) {
    try {
      statfsSync(path)
    } catch (error) {
      throw new InvalidOptionError('diskPaths', `statfs cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
  }
  return Object.freeze([...new Set(value as string[])])
}

/** What one family reads from a filesystem's statistics, in bytes. */
const FAMILIES: ReadonlyArray<{ name: string, help: string, bytes: (fs: StatsFs) => number }> = [
  { name: 'disk_size_bytes', help: 'Size of the filesystem that holds a path, in bytes.', bytes: (fs) => fs.blocks * fs.bsize },
  { name: 'disk_free_bytes', help: 'Space the process may still use on the filesystem that holds a path (blocks reserved for root excluded), in bytes.', bytes: (fs) => fs.bavail * fs.bsize },
  { name: 'disk_used_bytes', help: 'Space used on the filesystem that holds a path, in bytes.', bytes: (fs) => (fs.blocks - fs.bfree) * fs.bsize }
]

/**
 * Size, free and used space of the filesystems that hold `paths`, one series per path, read
 * with `statfs` when a family is collected (a scrape, or the alert engine reading it), never on
 * a timer. Each family reads for itself, so that reading one alone is up to date. A path that
 * `statfs` can no longer read has no series until it can.
 */
export function registerDiskMetrics (metrics: AppMetrics, paths: readonly string[]): void {
  for (const family of FAMILIES) {
    metrics.gauge({
      name: family.name,
      help: family.help,
      labelNames: ['path'] as const,
      async collect () {
        const read = await Promise.allSettled(paths.map((path) => statfs(path)))
        read.forEach((result, i) => {
          const path = paths[i]!
          if (result.status === 'fulfilled') this.set({ path }, family.bytes(result.value))
          else this.remove({ path })
        })
      }
    })
  }
}
