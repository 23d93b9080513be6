// Where the time of a benchmark variant goes: starts one server of bench/servers/ with
// --cpu-prof, loads it with autocannon as the benchmarks do, and prints its self time by package
// and by function. `node bench/profile.mjs <server> <variant> [seconds] [package…]`, e.g.
// `node bench/profile.mjs tracing '@obs/tracing 0.1' 5 @obs/tracing fastify` (after `pnpm build`);
// the packages named get a table of their own functions. Profiles are
// compared side by side by running it once per variant: the shares move far less than totals.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const [server, variant, seconds = '5', ...focus] = process.argv.slice(2)
if (server === undefined || variant === undefined) {
  console.error('usage: node bench/profile.mjs <server> <variant> [seconds]')
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'obs-profile-'))
const script = fileURLToPath(new URL(`./servers/${server}.mjs`, import.meta.url))
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${dir}`, script, variant], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
const [{ port }] = await once(child, 'message')
const url = `http://127.0.0.1:${port}/users/42`
await autocannon({ url, connections: 50, duration: 2 })
const result = await autocannon({ url, connections: 50, duration: Number(seconds) })
child.send({ type: 'exit' })
await once(child, 'exit')

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'))
const interval = (profile.endTime - profile.startTime) / profile.samples.length // µs per sample

/** The package a frame belongs to: a node_modules package, one of ours, Node itself, or V8. */
function packageOf (url) {
  if (url === '') return '(V8: GC, idle, native)'
  if (url.startsWith('node:')) return 'node (built-in modules)'
  const modules = url.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const ours = url.match(/\/packages\/([^/]+)\//)
  if (ours) return `@obs/${ours[1]}`
  return url.includes('/bench/') ? 'bench server' : url
}

const byPackage = new Map()
const byFunction = new Map()
const focused = new Map() // package → function → time
let total = 0
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame
  if (functionName === '(idle)' || functionName === '(program)') continue
  const time = (node.hitCount ?? 0) * interval
  total += time
  const pkg = packageOf(url)
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time)
  const key = `${functionName || '(anonymous)'} ${pkg === url ? url : pkg}:${lineNumber + 1}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + time)
  if (focus.includes(pkg)) {
    const own = focused.get(pkg) ?? new Map()
    own.set(key, (own.get(key) ?? 0) + time)
    focused.set(pkg, own)
  }
}
const requests = result.requests.total
const perRequest = (time) => (time / requests).toFixed(3)
const rows = (map, limit) => [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)
  .map(([name, time]) => `| ${name} | ${perRequest(time)} | ${(100 * time / total).toFixed(1)}% |`).join('\n')

console.log(`## ${server}: ${variant}\n\nNode ${process.version}, ${requests} requests in ${seconds} s under load, ` +
  `self time of busy samples (idle left out): ${perRequest(total)} µs per request.\n\n` +
  `| package | µs per request | share |\n|---|---:|---:|\n${rows(byPackage, 12)}\n\n` +
  `| function | µs per request | share |\n|---|---:|---:|\n${rows(byFunction, 25)}\n` +
  [...focused].map(([pkg, own]) => `\n### ${pkg}\n\n| function | µs per request | share |\n|---|---:|---:|\n${rows(own, 15)}\n`).join(''))
