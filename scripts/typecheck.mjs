// Type-checks the tests of every package and app, and their type tests (which import the
// packages by name, as users do, so they run against the build: run after `pnpm build`).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const projects = ['packages', 'apps']
  .flatMap((dir) => existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [])
  .flatMap((pkg) => [join(pkg, 'test', 'tsconfig.json'), join(pkg, 'test', 'types', 'tsconfig.json')])
  .concat(['test/tsconfig.json', 'bench/tsconfig.json'])
  .filter((file) => existsSync(file))

let failed = false
for (const project of projects) {
  try {
    execFileSync('tsc', ['-p', project], { stdio: 'inherit' })
    console.log(`typecheck ok: ${project}`)
  } catch {
    failed = true
  }
}
process.exit(failed ? 1 : 0)
