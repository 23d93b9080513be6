import { type BodyMeta, healthJsonBody, jsonBody } from './body.js'
import type { ProbeReport } from './probe-report.js'

/**
 * Probe bodies as bytes, rendered once per report and variant (our JSON or health+json, with or
 * without details). The probes that share a report then send the same buffer: a storm of probes
 * against a check with a large result serializes it once, and writes it without a copy each.
 */
export class RenderedBodies {
  private readonly cache = new WeakMap<ProbeReport, Array<Buffer | undefined>>()

  constructor (private readonly meta: () => BodyMeta) {}

  get (report: ProbeReport, ietf: boolean, details: boolean): Buffer {
    let variants = this.cache.get(report)
    if (variants === undefined) {
      variants = []
      this.cache.set(report, variants)
    }
    const variant = (ietf ? 2 : 0) + (details ? 1 : 0)
    let body = variants[variant]
    if (body === undefined) {
      body = Buffer.from(JSON.stringify((ietf ? healthJsonBody : jsonBody)(report, details, this.meta())))
      variants[variant] = body
    }
    return body
  }
}
