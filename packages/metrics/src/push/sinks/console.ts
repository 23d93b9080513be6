import { InvalidOptionError } from '../../errors.js'
import { formatValue } from '../../exposition/text-format.js'
import { countPoints, type Labels, type PushFamily } from '../families.js'
import type { SinkModule } from './types.js'

export interface ConsolePushOptions {
  /** Where the table goes; default `process.stdout`. */
  stream?: { write (chunk: string): unknown }
  /** Overrides `push.intervalMs` for this sink. */
  intervalMs?: number
}

export interface ResolvedConsole {
  stream: { write (chunk: string): unknown }
  intervalMs: number
  timeoutMs: number
}

const labelText = (labels: Labels): string => Object.entries(labels).map(([name, value]) => `${name}=${value}`).join(',')

function valueText (family: PushFamily, point: PushFamily['points'][number]): string {
  switch (family.kind) {
    case 'counter':
    case 'gauge': return formatValue((point as { value: number }).value)
    case 'histogram':
    case 'summary': {
      const { count, sum } = point as { count: number, sum: number }
      return `count=${count} sum=${formatValue(sum)}`
    }
    case 'exponential': {
      const { count, sum, schema } = (point as { histogram: { count: number, sum: number, schema: number } }).histogram
      return `count=${count} sum=${formatValue(sum)} schema=${schema}`
    }
  }
}

/** A readable table of every series, one line each: for a developer watching a terminal. */
function table (families: readonly PushFamily[], timeMs: number): string {
  const rows: Array<[string, string, string, string]> = [['METRIC', 'TYPE', 'LABELS', 'VALUE']]
  for (const family of families) {
    for (const point of family.points) rows.push([family.name, family.kind, labelText(point.labels), valueText(family, point)])
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)))
  let out = `@obs/metrics push at ${new Date(timeMs).toISOString()}\n`
  for (const row of rows) out += `${row[0].padEnd(widths[0]!)}  ${row[1].padEnd(widths[1]!)}  ${row[2].padEnd(widths[2]!)}  ${row[3]}\n`
  return out
}

export const console: SinkModule<ConsolePushOptions, ResolvedConsole> = {
  options: { stream: true, intervalMs: true },

  resolve (o, settings, _env, at) {
    if (o.stream !== undefined && typeof o.stream?.write !== 'function') throw new InvalidOptionError(`${at}.stream`, 'expected a writable stream')
    if (o.intervalMs !== undefined && !(Number.isInteger(o.intervalMs) && o.intervalMs >= 1)) {
      throw new InvalidOptionError(`${at}.intervalMs`, 'expected a whole number of milliseconds, 1 or more')
    }
    return { stream: o.stream ?? process.stdout, intervalMs: o.intervalMs ?? settings.intervalMs, timeoutMs: settings.timeoutMs }
  },

  create (r) {
    return {
      componentType: 'console',
      target: 'console',
      intervalMs: r.intervalMs,
      timeoutMs: r.timeoutMs,
      async export (snapshot) {
        r.stream.write(table(snapshot.families, snapshot.timeMs))
        return countPoints(snapshot.families)
      },
      close: async () => {}
    }
  }
}
