// ExportMetricsServiceRequest read from the wire by opentelemetry-proto's field numbers, with the
// test-support reader: apart from the encoder under test.
import { all, bytes, double, fixed64, last, message, string, varint, type WireMessage, type WireValue } from './protobuf-wire.js'
import { attributes, hex, resourceAttributes, scopeName } from './otlp-common.js'

export interface ReadExemplar { traceId?: string, spanId?: string, value?: number, attributes: Record<string, unknown>, time?: bigint }
export interface ReadBuckets { offset: number, counts: number[] }
export interface ReadPoint {
  attributes: Record<string, unknown>
  start?: bigint
  time?: bigint
  value?: number
  count?: number
  sum?: number
  bucketCounts?: number[]
  bounds?: number[]
  exemplars: ReadExemplar[]
  scale?: number
  zeroCount?: number
  zeroThreshold?: number
  positive?: ReadBuckets
  negative?: ReadBuckets
  quantiles?: Array<[number, number]>
}
export interface ReadMetric {
  name: string
  description: string
  kind: 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary'
  /** 1 delta, 2 cumulative. */
  temporality?: number
  monotonic?: boolean
  points: ReadPoint[]
}
export interface ReadRequest { resource: Record<string, unknown>, scope: string, metrics: ReadMetric[] }

const packedFixed64 = (value: WireValue | undefined): number[] => {
  const raw = bytes(value)
  if (raw === undefined) return []
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigUint64(i * 8, true)))
}
const packedDoubles = (value: WireValue | undefined): number[] => {
  const raw = bytes(value)
  if (raw === undefined) return []
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  return Array.from({ length: raw.length / 8 }, (_, i) => view.getFloat64(i * 8, true))
}
const packedVarints = (value: WireValue | undefined): number[] => {
  const raw = bytes(value)
  const out: number[] = []
  if (raw === undefined) return out
  let current = 0
  let shift = 0
  for (const byte of raw) {
    current += (byte & 0x7f) * 2 ** shift
    shift += 7
    if ((byte & 0x80) === 0) {
      out.push(current)
      current = 0
      shift = 0
    }
  }
  return out
}
const zigzag = (value: bigint | undefined): number | undefined => value === undefined ? undefined : Number(value >> 1n) * ((value & 1n) === 1n ? -1 : 1) - ((value & 1n) === 1n ? 1 : 0)
const num = (value: bigint | undefined): number | undefined => value === undefined ? undefined : Number(value)

function exemplars (list: readonly WireValue[]): ReadExemplar[] {
  return list.map((item) => {
    const e = message(item)!
    return { traceId: hex(last(e, 5)), spanId: hex(last(e, 4)), value: double(last(e, 3)), attributes: attributes(all(e, 7)), time: fixed64(last(e, 2)) }
  })
}

function buckets (value: WireValue | undefined): ReadBuckets | undefined {
  const b = message(value)
  if (b === undefined) return undefined
  return { offset: zigzag(varint(last(b, 1))) ?? 0, counts: packedVarints(last(b, 2)) }
}

function numberPoint (p: WireMessage): ReadPoint {
  return { attributes: attributes(all(p, 7)), start: fixed64(last(p, 2)), time: fixed64(last(p, 3)), value: double(last(p, 4)), exemplars: exemplars(all(p, 5)) }
}

function histogramPoint (p: WireMessage): ReadPoint {
  return {
    attributes: attributes(all(p, 9)),
    start: fixed64(last(p, 2)),
    time: fixed64(last(p, 3)),
    count: num(fixed64(last(p, 4))),
    sum: double(last(p, 5)),
    bucketCounts: packedFixed64(last(p, 6)),
    bounds: packedDoubles(last(p, 7)),
    exemplars: exemplars(all(p, 8))
  }
}

function exponentialPoint (p: WireMessage): ReadPoint {
  return {
    attributes: attributes(all(p, 1)),
    start: fixed64(last(p, 2)),
    time: fixed64(last(p, 3)),
    count: num(fixed64(last(p, 4))),
    sum: double(last(p, 5)),
    scale: zigzag(varint(last(p, 6))),
    zeroCount: num(fixed64(last(p, 7))),
    positive: buckets(last(p, 8)),
    negative: buckets(last(p, 9)),
    zeroThreshold: double(last(p, 14)),
    exemplars: exemplars(all(p, 11))
  }
}

function summaryPoint (p: WireMessage): ReadPoint {
  return {
    attributes: attributes(all(p, 7)),
    start: fixed64(last(p, 2)),
    time: fixed64(last(p, 3)),
    count: num(fixed64(last(p, 4))),
    sum: double(last(p, 5)),
    quantiles: all(p, 6).map((q) => { const m = message(q)!; return [double(last(m, 1))!, double(last(m, 2))!] }),
    exemplars: []
  }
}

function metric (m: WireMessage): ReadMetric {
  const base = { name: string(last(m, 1)) ?? '', description: string(last(m, 2)) ?? '' }
  const data = (field: number): WireMessage => message(last(m, field))!
  if (m.has(5)) return { ...base, kind: 'gauge', points: all(data(5), 1).map((p) => numberPoint(message(p)!)) }
  if (m.has(7)) {
    const sum = data(7)
    return { ...base, kind: 'sum', temporality: num(varint(last(sum, 2))), monotonic: varint(last(sum, 3)) === 1n, points: all(sum, 1).map((p) => numberPoint(message(p)!)) }
  }
  if (m.has(9)) return { ...base, kind: 'histogram', temporality: num(varint(last(data(9), 2))), points: all(data(9), 1).map((p) => histogramPoint(message(p)!)) }
  if (m.has(10)) return { ...base, kind: 'exponential_histogram', temporality: num(varint(last(data(10), 2))), points: all(data(10), 1).map((p) => exponentialPoint(message(p)!)) }
  if (m.has(11)) return { ...base, kind: 'summary', points: all(data(11), 1).map((p) => summaryPoint(message(p)!)) }
  throw new Error(`metric ${base.name} has no data`)
}

/** One request: every ResourceMetrics and ScopeMetrics flattened (we send one of each). */
export function readMetricsRequest (body: Uint8Array): ReadRequest {
  const request = message(body) ?? new Map()
  const resourceMetrics = all(request as WireMessage, 1).map((rm) => message(rm)!)
  if (resourceMetrics.length !== 1) throw new Error(`expected one ResourceMetrics, got ${resourceMetrics.length}`)
  const rm = resourceMetrics[0]!
  const scopes = all(rm, 2).map((sm) => message(sm)!)
  return {
    resource: resourceAttributes(last(rm, 1)),
    scope: scopes.map((sm) => scopeName(last(sm, 1))).join(','),
    metrics: scopes.flatMap((sm) => all(sm, 2).map((m) => metric(message(m)!)))
  }
}
