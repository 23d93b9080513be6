import { test } from 'tap'
import { fingerprint } from '../src/engine/fingerprint.js'

/** FNV-1a 64 with BigInt, the plain way, as a reference. */
function reference (labels: Record<string, string>): string {
  let hash = 0xcbf29ce484222325n
  const add = (byte: number): void => { hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn }
  for (const name of Object.keys(labels).sort()) {
    for (const byte of new TextEncoder().encode(name)) add(byte)
    add(0xff)
    for (const byte of new TextEncoder().encode(labels[name]!)) add(byte)
    add(0xff)
  }
  return hash.toString(16).padStart(16, '0')
}

test('fingerprints are FNV-1a 64 of the sorted labels, as Alertmanager computes them', async (t) => {
  // Read from a real Alertmanager 0.25 for these labels (see alertmanager.test.ts for more).
  t.equal(fingerprint({ alertname: 'X', severity: 'critical' }), 'd5e08c84ef09a8b8')
  t.equal(fingerprint({ severity: 'critical', alertname: 'X' }), 'd5e08c84ef09a8b8', 'label order does not matter')
  t.equal(fingerprint({}), reference({}))
  const samples: Array<Record<string, string>> = [
    { a: 'héllo ✓ 日本', b: '' }, { route: '/users/:id', status_code: '500' }, { emoji: '🔥🔥', x_y: '\u0000\uffff' },
    ...Array.from({ length: 200 }, (_, i) => ({ alertname: `Rule${i}`, value: String(i * 7919), route: `/r/${i.toString(36)}` }))
  ]
  for (const labels of samples) t.equal(fingerprint(labels), reference(labels), JSON.stringify(labels))
})
