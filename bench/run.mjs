// Runs the benchmarks on each supported Node line and writes each report to
// bench/results/node-<major>/<name>.md, headed with the Node version, the machine and the versions
// of the peers. `pnpm bench` runs them all on Node 24 and 26; `pnpm bench tracing` runs one;
// `--node 24` picks the lines; a number sets the rounds. The official binary of a line other than
// the running one comes from the npm registry through .ci/node-line.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const nodeFlag = args.indexOf('--node')
const lines = nodeFlag >= 0 ? args[nodeFlag + 1].split(',') : ['24', '26']
const rest = args.filter((_, i) => nodeFlag < 0 || (i !== nodeFlag && i !== nodeFlag + 1))
const rounds = Number(rest.find((a) => /^\d+$/.test(a)) ?? 5)
const only = rest.filter((a) => !/^\d+$/.test(a))

const peers = ['fastify', 'fastify-metrics', '@fastify/otel', '@fastify/under-pressure', '@prometheus-io/client', '@opentelemetry/api']
const versionOf = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version

if (process.env.OBS_BENCH_CHILD !== '1') {
  // One child per line, each on its own Node binary.
  for (const line of lines) {
    const bin = line === process.versions.node.split('.')[0]
      ? process.execPath
      : `${execFileSync(fileURLToPath(new URL('../.ci/node-line', import.meta.url)), [line], { encoding: 'utf8' }).trim()}/node`
    execFileSync(bin, [fileURLToPath(import.meta.url), String(rounds), ...only], { stdio: 'inherit', env: { ...process.env, OBS_BENCH_CHILD: '1' } })
  }
} else {
  // Every bench module exports `run({ rounds })` and returns a Markdown report; the other scripts
  // here (profile.mjs, console-memory.mjs, alerts-outage.mjs…) run on their own.
  const benches = readdirSync(here)
    .filter((file) => file.endsWith('.mjs') && file !== 'run.mjs' && readFileSync(new URL(file, import.meta.url), 'utf8').includes('export async function run'))
    .map((file) => file.slice(0, -'.mjs'.length))
    .filter((name) => only.length === 0 || only.includes(name))
  const out = new URL(`./results/node-${process.versions.node.split('.')[0]}/`, import.meta.url)
  mkdirSync(out, { recursive: true })
  for (const name of benches) {
    const { run } = await import(`./${name}.mjs`)
    const report = await run({ rounds })
    const header = `# ${name}\n\nMeasured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench ${name}\`: Node ${process.version}, ` +
      `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, server pinned to core 0 and load generator to core 1. ` +
      `Peers: ${peers.map((peer) => `${peer} ${versionOf(peer)}`).join(', ')}.\n\n`
    writeFileSync(new URL(`./${name}.md`, out), header + report)
    console.log(header + report)
  }
}
