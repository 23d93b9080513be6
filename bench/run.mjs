// Runs the benchmarks and writes each report to bench/results/<name>.md with the machine it ran
// on. `pnpm bench` runs them all; `pnpm bench request-metrics` runs one; a number sets rounds.
import { readdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5)
const only = args.filter((a) => !/^\d+$/.test(a))
// Every bench module exports `run({ rounds })` and returns a Markdown report.
const benches = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && !['run.mjs', 'harness.mjs', 'scrape.mjs'].includes(file))
  .map((file) => file.slice(0, -'.mjs'.length))
  .filter((name) => only.length === 0 || only.includes(name))

for (const name of benches) {
  const { run } = await import(`./${name}.mjs`)
  const report = await run({ rounds })
  const header = `# ${name}\n\nMeasured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench ${name}\`: Node ${process.version}, ` +
    `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, server pinned to core 0 and load generator to core 1.\n\n`
  writeFileSync(new URL(`./results/${name}.md`, import.meta.url), header + report)
  console.log(header + report)
}
