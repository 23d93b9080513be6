import { isIntegerAtLeast } from '@obs/core'
import StatsD from 'hot-shots'
import { InvalidOptionError } from '../../errors.js'
import { formatValue } from '../../exposition/text-format.js'
import { counterWentDown, histogramDelta, histogramWentDown } from '../deltas.js'
import type { HistogramPoint, Labels } from '../families.js'
import { SeriesMemory } from '../series-memory.js'
import type { SinkModule } from './types.js'

export interface StatsdPushOptions {
  host?: string
  port?: number
  /** Prepended to every name as it is, e.g. `myapp.`. */
  prefix?: string
  /** DogStatsD tags carry the labels (default). `false`: plain StatsD, the label values are folded into the name. */
  dogstatsd?: boolean
  /** Tags on every metric (DogStatsD only). */
  tags?: Record<string, string>
  /** Overrides `push.intervalMs` for this sink. */
  intervalMs?: number
}

export interface ResolvedStatsd {
  host: string
  port: number
  prefix: string
  dogstatsd: boolean
  tags: Record<string, string>
  intervalMs: number
  timeoutMs: number
}

/** One line of a datagram: a name, a value and, in DogStatsD, tags. */
interface Send {
  count (name: string, delta: number, labels: Labels): void
  gauge (name: string, value: number, labels: Labels): void
}

// Plain StatsD names are dot-separated paths (Graphite): a label value becomes one segment.
const segment = (value: string): string => value.replace(/[^A-Za-z0-9_-]+/g, '_') || '_'

// ':' '|' '@' '#' end a name in the StatsD line (`name:value|type|@rate|#tags`), a newline ends the line;
// Prometheus names may hold ':' (recording-rule style).
const statsdName = (name: string): string => name.replace(/[:|@#\r\n]/g, '_')

/** A count and a sum that go together (a summary's, a native histogram's): the count tells a reset. */
interface CountAndSum { readonly count: number, readonly sum: number }
const countWentDown = (previous: CountAndSum, current: CountAndSum): boolean => current.count < previous.count

function foldedName (name: string, labels: Labels): string {
  let out = name
  for (const label of Object.keys(labels).sort()) out += `.${segment(labels[label]!)}`
  return out
}

export const statsd: SinkModule<StatsdPushOptions, ResolvedStatsd> = {
  options: { host: true, port: true, prefix: true, dogstatsd: true, tags: true, intervalMs: true },

  resolve (o, settings, _env, at) {
    if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) throw new InvalidOptionError(`${at}.host`, 'expected a host name or address')
    if (o.port !== undefined && !(isIntegerAtLeast(o.port, 1) && o.port <= 65535)) throw new InvalidOptionError(`${at}.port`, 'expected a port number, 1 to 65535')
    if (o.prefix !== undefined && typeof o.prefix !== 'string') throw new InvalidOptionError(`${at}.prefix`, 'expected a string')
    if (o.dogstatsd !== undefined && typeof o.dogstatsd !== 'boolean') throw new InvalidOptionError(`${at}.dogstatsd`, 'expected a boolean')
    if (o.tags !== undefined && (o.tags === null || typeof o.tags !== 'object' || Array.isArray(o.tags) || !Object.values(o.tags).every((v) => typeof v === 'string'))) {
      throw new InvalidOptionError(`${at}.tags`, 'expected an object of tag names to string values')
    }
    if (o.intervalMs !== undefined && !isIntegerAtLeast(o.intervalMs, 1)) throw new InvalidOptionError(`${at}.intervalMs`, 'expected a whole number of milliseconds, 1 or more')
    return {
      host: o.host ?? '127.0.0.1',
      port: o.port ?? 8125,
      prefix: o.prefix ?? '',
      dogstatsd: o.dogstatsd ?? true,
      tags: o.tags ?? {},
      intervalMs: o.intervalMs ?? settings.intervalMs,
      timeoutMs: settings.timeoutMs
    }
  },

  create (r, context) {
    let failure: unknown
    const client = new StatsD({
      host: r.host,
      port: r.port,
      prefix: r.prefix,
      globalTags: r.dogstatsd ? r.tags : {},
      // Lines are batched into datagrams and sent when a push ends (flush), not on a timer of their own.
      maxBufferSize: 1400,
      bufferFlushInterval: 2 ** 30,
      errorHandler: (error) => { failure = error }
    })
    const send: Send = r.dogstatsd
      ? {
          count: (name, delta, labels) => client.increment(name, delta, 1, labels as Record<string, string>),
          gauge: (name, value, labels) => client.gauge(name, value, 1, labels as Record<string, string>)
        }
      : {
          count: (name, delta, labels) => client.increment(foldedName(name, labels), delta),
          gauge: (name, value, labels) => client.gauge(foldedName(name, labels), value)
        }
    const memory = new SeriesMemory<unknown>(context.startMs)
    const counted = (key: string, value: number): number => {
      const { previous } = memory.track(key, value, counterWentDown as (a: unknown, b: unknown) => boolean, 'delta')
      return value - ((previous as number | undefined) ?? 0)
    }
    const count = (name: string, delta: number, labels: Labels): void => {
      if (delta !== 0) send.count(name, delta, labels)
    }
    const countAndSum = (key: string, current: CountAndSum): CountAndSum => {
      // A sum may fall without a reset (negative observations): only a falling count is one.
      const previous = memory.track(key, current, countWentDown as (a: unknown, b: unknown) => boolean, 'delta').previous as CountAndSum | undefined
      return previous === undefined ? current : { count: current.count - previous.count, sum: current.sum - previous.sum }
    }

    return {
      componentType: 'statsd',
      target: `udp://${r.host}:${r.port}`,
      intervalMs: r.intervalMs,
      timeoutMs: r.timeoutMs,
      async export (snapshot, slicer) {
        failure = undefined
        let points = 0
        for (const family of snapshot.families) {
          const name = statsdName(family.name)
          for (const point of family.points) {
            if (slicer.due()) await slicer.pause()
            points++
            const key = memory.keys.of(family.name, point.labels)
            switch (family.kind) {
              case 'counter': count(name, counted(key, (point as { value: number }).value), point.labels); break
              case 'gauge': send.gauge(name, (point as { value: number }).value, point.labels); break
              case 'histogram': {
                const h = point as HistogramPoint
                const { previous } = memory.track(key, h, histogramWentDown as (a: unknown, b: unknown) => boolean, 'delta')
                const delta = histogramDelta(h, previous as HistogramPoint | undefined)
                for (let i = 0; i < delta.counts.length; i++) {
                  const le = i < h.bounds.length ? formatValue(h.bounds[i]!) : '+Inf'
                  count(`${name}.bucket`, delta.counts[i]!, { ...point.labels, le })
                }
                count(`${name}.count`, delta.count, point.labels)
                count(`${name}.sum`, delta.sum, point.labels)
                break
              }
              case 'exponential':
              case 'summary': {
                const { count: n, sum } = family.kind === 'exponential' ? (point as { histogram: CountAndSum }).histogram : point as CountAndSum
                const delta = countAndSum(key, { count: n, sum })
                count(`${name}.count`, delta.count, point.labels)
                count(`${name}.sum`, delta.sum, point.labels)
                break
              }
            }
          }
        }
        try {
          await new Promise<void>((resolve, reject) => client.flush((error) => {
            const cause = error ?? failure
            if (cause === undefined || cause === null) resolve()
            else reject(cause)
          }))
        } catch (error) {
          memory.abandon() // the next push's changes cover this push's too
          throw error
        }
        memory.commit(snapshot.timeMs)
        return points
      },
      close: () => new Promise<void>((resolve) => client.close(() => resolve()))
    }
  }
}
