// Reads what /metrics answers in the protobuf format, by the field numbers of metrics.proto, with
// the independent wire reader of test-support (never with the encoder under test).
import { all, last, message, readMessage, string, varint, type WireMessage } from '../../../test-support/protobuf-wire.js'

/** The Accept of Prometheus with native histograms on. */
export const PROTOBUF = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'

/** The length-delimited stream: a varint length, then a MetricFamily, again and again. */
export function families (bytes: Uint8Array): Map<string, WireMessage> {
  const out = new Map<string, WireMessage>()
  let at = 0
  while (at < bytes.length) {
    let length = 0
    let shift = 0
    for (;;) {
      const byte = bytes[at++]!
      length += (byte & 0x7f) * 2 ** shift
      shift += 7
      if ((byte & 0x80) === 0) break
    }
    const family = readMessage(bytes.subarray(at, at + length))
    at += length
    out.set(string(last(family, 1))!, family)
  }
  return out
}

export const labelsOf = (metric: WireMessage, field = 1): Record<string, string> =>
  Object.fromEntries(all(metric, field).map((pair) => [string(last(message(pair)!, 1))!, string(last(message(pair)!, 2))!]))
export const metricsOf = (family: WireMessage): WireMessage[] => all(family, 4).map((m) => message(m)!)
export const zigzag = (value: bigint): number => Number((value >> 1n) ^ -(value & 1n))

/** The native buckets of a Histogram message as [index, count], from its spans (field) and deltas (field + 1). */
export function nativeBuckets (histogram: WireMessage, spanField: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  const deltas = all(histogram, spanField + 1).map((d) => zigzag(varint(d)!))
  let index = 0
  let count = 0
  let d = 0
  for (const raw of all(histogram, spanField)) {
    const span = message(raw)!
    index += zigzag(varint(last(span, 1)) ?? 0n)
    const length = Number(varint(last(span, 2)) ?? 0n)
    for (let i = 0; i < length; i++) {
      count += deltas[d++]!
      if (count !== 0) out.push([index, count])
      index++
    }
  }
  return out
}
