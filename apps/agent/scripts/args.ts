/** `--name value` and `--flag` arguments, with defaults. */
export function parseArgs (argv: readonly string[], defaults: Record<string, string>): Record<string, string> {
  const out = { ...defaults }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--') || arg === '--') continue
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined]
    if (!(key in defaults)) throw new Error(`unknown option --${key}; known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`)
    const next = argv[i + 1]
    out[key] = inline ?? (next !== undefined && !next.startsWith('--') ? (i++, next) : 'true')
  }
  return out
}
