import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * Finds a binary that the tests run for real (promtool, prometheus, alertmanager): the path in
 * `envVar` if set, else the first of `names` on PATH. Fails loudly, never skips: CI installs
 * them (`.ci/run`), and so does `pnpm test` when it runs as root on Debian.
 */
export function requireBinary (envVar: string, ...names: string[]): string {
  const explicit = process.env[envVar]
  if (explicit !== undefined && explicit !== '') return explicit
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(dir, name)
      try {
        accessSync(candidate, constants.X_OK)
        return candidate
      } catch {}
    }
  }
  throw new Error(`${names[0]} is not installed: run "apt-get install prometheus prometheus-alertmanager" (Debian) or set ${envVar}`)
}
