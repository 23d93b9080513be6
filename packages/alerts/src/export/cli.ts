import { readFile, writeFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'
import { type ExportOptions, exportRules } from './rule-file.js'
import type { RuleInput } from '../rules/types.js'

export const USAGE = `Usage: obs-alerts export <rules> [options]

Writes the rules as a Prometheus rule file (or a Kubernetes PrometheusRule) for the same
alerts the in-process engine raises. <rules> is a JSON or YAML file of plain rules, or a
JavaScript module whose \`rules\` or default export is the rules (or a function returning them).

Options:
  --format <rules|prometheus-rule>  Output format (default: rules)
  --prefix <prefix>                 The @obs/metrics prefix of the service (default: none)
  --group <name>                    Rule group name (default: obs-alerts)
  --interval <duration>             Group evaluation interval, e.g. 30s
  --match <label=value>             Add a matcher to every selector, e.g. job=agent (repeatable)
  --label <label=value>             Add a label to every alert (repeatable)
  --name <name>                     PrometheusRule metadata.name (default: the group name)
  --namespace <namespace>           PrometheusRule metadata.namespace
  --resource-label <label=value>    PrometheusRule metadata.labels, e.g. release=prometheus (repeatable)
  --out <file>                      Write to a file instead of stdout
  --strict                          Fail on rules that cannot be exported (custom conditions)
  -h, --help                        Show this help
`

export interface Io {
  stdout: (text: string) => void
  stderr: (text: string) => void
  cwd: string
}

function pairs (list: string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of list ?? []) {
    const at = item.indexOf('=')
    if (at <= 0) throw new Error(`--${option} expects label=value, got "${item}"`)
    out[item.slice(0, at)] = item.slice(at + 1)
  }
  return out
}

/** Reads rules from JSON, YAML or a JavaScript module. */
export async function loadRules (file: string): Promise<RuleInput[]> {
  const ext = extname(file).toLowerCase()
  let loaded: unknown
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    const text = await readFile(file, 'utf8')
    loaded = ext === '.json' ? JSON.parse(text) : parse(text)
  } else {
    const module = await import(pathToFileURL(file).href) as { rules?: unknown, default?: unknown }
    loaded = module.rules ?? module.default
    if (typeof loaded === 'function') loaded = await (loaded as () => unknown)()
  }
  if (loaded !== null && typeof loaded === 'object' && !Array.isArray(loaded) && Array.isArray((loaded as { rules?: unknown }).rules)) {
    loaded = (loaded as { rules: unknown }).rules
  }
  if (!Array.isArray(loaded)) throw new Error(`${file} holds no rules: expected an array, { rules: [...] }, or a module exporting one`)
  return loaded as RuleInput[]
}

/** Runs the command line; returns the exit code. */
export async function main (argv: string[], io: Io): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        prefix: { type: 'string' },
        group: { type: 'string' },
        interval: { type: 'string' },
        match: { type: 'string', multiple: true },
        label: { type: 'string', multiple: true },
        name: { type: 'string' },
        namespace: { type: 'string' },
        'resource-label': { type: 'string', multiple: true },
        out: { type: 'string' },
        strict: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = args
  if (values.help === true) {
    io.stdout(USAGE)
    return 0
  }
  const [command, file, ...extra] = positionals
  if (command !== 'export' || file === undefined || extra.length > 0) {
    io.stderr(USAGE)
    return 2
  }
  try {
    const rules = await loadRules(resolve(io.cwd, file))
    const options: ExportOptions = {
      format: values.format as ExportOptions['format'],
      prefix: values.prefix,
      group: values.group,
      interval: values.interval,
      match: pairs(values.match, 'match'),
      labels: pairs(values.label, 'label'),
      name: values.name,
      namespace: values.namespace,
      resourceLabels: pairs(values['resource-label'], 'resource-label'),
      strict: values.strict === true
    }
    for (const key of Object.keys(options) as Array<keyof ExportOptions>) if (options[key] === undefined) delete options[key]
    const result = exportRules(rules, options)
    for (const { rule, reason } of result.skipped) io.stderr(`obs-alerts: skipped rule "${rule}": ${reason}\n`)
    if (values.out === undefined) io.stdout(result.yaml)
    else await writeFile(resolve(io.cwd, values.out), result.yaml)
    return 0
  } catch (error) {
    const e = error as { code?: string, message?: string }
    io.stderr(`obs-alerts: ${e.code === undefined ? '' : `${e.code}: `}${e.message ?? String(error)}\n`)
    return 1
  }
}
