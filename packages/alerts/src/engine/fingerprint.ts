const SEPARATOR = 0xff
const encoder = new TextEncoder()

/**
 * The fingerprint of a label set, computed as Prometheus and Alertmanager compute theirs
 * (FNV-1a 64 over sorted names and values, each followed by 0xff), so that the fingerprints
 * of `GET /alerts` are the ones Alertmanager shows for the same alerts. The 64-bit arithmetic
 * is done on four 16-bit words, which is much cheaper than BigInt.
 */
export function fingerprint (labels: Readonly<Record<string, string>>): string {
  // Offset basis 0xcbf29ce484222325, lowest word first.
  let h0 = 0x2325
  let h1 = 0x8422
  let h2 = 0x9ce4
  let h3 = 0xcbf2
  const add = (byte: number): void => {
    h0 ^= byte
    // × prime 0x100000001b3: the 0x1b3 part, plus the 2^40 part (0x100 in the third word).
    const t0 = h0 * 0x1b3
    const t1 = h1 * 0x1b3 + (t0 >>> 16)
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16)
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16)
    h0 = t0 & 0xffff
    h1 = t1 & 0xffff
    h2 = t2 & 0xffff
    h3 = t3 & 0xffff
  }
  const addString = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code >= 0x80) {
        // Not ASCII: hash the UTF-8 bytes of the rest.
        for (const byte of encoder.encode(text.slice(i))) add(byte)
        return
      }
      add(code)
    }
  }
  for (const name of Object.keys(labels).sort()) {
    addString(name)
    add(SEPARATOR)
    addString(labels[name]!)
    add(SEPARATOR)
  }
  const hex = (word: number): string => word.toString(16).padStart(4, '0')
  return hex(h3) + hex(h2) + hex(h1) + hex(h0)
}
