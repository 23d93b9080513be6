// The packages as npm publishes them: packed by pnpm, installed with plain npm into a fresh app
// outside the workspace, then used from ESM and from CommonJS (require(esm)) on this Node line, and
// their shipped .d.ts compiled under TypeScript 5.9 and 7, moduleResolution nodenext and bundler,
// without skipLibCheck. The type tests of every package are what the fresh app compiles.
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'tap'
import { run } from '../test-support/run.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'test', 'consumer')
// Every package of the workspace; the ones with type tests are compiled as a user would.
const packages = readdirSync(join(root, 'packages'))
const typeTests = packages.filter((name) => existsSync(join(root, 'packages', name, 'test', 'types', 'index.test-d.ts')))

// The fresh app runs as a user's would, without the loaders tap puts in NODE_OPTIONS (and adds
// again to every child it sees spawned: `env -u` drops them in between).
function runClean (command: string, args: readonly string[], cwd: string) {
  return run('env', ['-u', 'NODE_OPTIONS', command, ...args], undefined, { cwd })
}

async function mustRun (command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await runClean(command, args, cwd)
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

test('the packed packages work in a fresh app installed with npm', async (t) => {
  t.setTimeout(600_000)
  const dir = await mkdtemp(join(tmpdir(), 'obs-consumer-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const tarballs = join(dir, 'tarballs')
  const app = join(dir, 'app')
  await mkdir(join(app, 'types'), { recursive: true })

  // pnpm pack writes the workspace: ranges as the versions they stand for, as publishing does.
  for (const name of packages) {
    await mustRun('npx', ['--yes', 'pnpm@12', 'pack', '--pack-destination', tarballs], join(root, 'packages', name))
  }
  const packed = await readdir(tarballs)
  t.equal(packed.length, packages.length, `one tarball a package: ${packed.join(', ')}`)

  const dependencies: Record<string, string> = {
    fastify: '^5.0.0',
    '@opentelemetry/api': '^1.10.0',
    '@types/node': '^24.0.0',
    typescript: '~5.9.3',
    typescript7: 'npm:typescript@^7.0.0'
  }
  for (const name of packages) {
    const file = packed.find((tarball) => tarball.startsWith(`obs-${name}-`))
    t.ok(file, `@obs/${name} packed`)
    dependencies[`@obs/${name}`] = `file:../tarballs/${file}`
  }
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2))
  await mustRun('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app)

  for (const file of ['esm.mjs', 'cjs.cjs', 'exercise.cjs', 'tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    await copyFile(join(fixtures, file), join(app, file))
  }
  for (const name of typeTests) {
    await copyFile(join(root, 'packages', name, 'test', 'types', 'index.test-d.ts'), join(app, 'types', `${name}.ts`))
  }

  const expected = { metrics: 200, counted: true, ready: 200, alerts: 200 }
  for (const script of ['esm.mjs', 'cjs.cjs']) {
    const out = await mustRun(process.execPath, [script], app)
    t.same(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'), expected, `${script} on Node ${process.version}`)
  }

  for (const [compiler, bin] of [['TypeScript 5.9', 'typescript'], ['TypeScript 7', 'typescript7']] as const) {
    for (const resolution of ['nodenext', 'bundler']) {
      const result = await runClean(process.execPath, [join(app, 'node_modules', bin, 'bin', 'tsc'), '-p', `tsconfig.${resolution}.json`], app)
      t.equal(result.code, 0, `${compiler}, moduleResolution ${resolution}, no skipLibCheck${result.code === 0 ? '' : `:\n${result.stdout}${result.stderr}`}`)
    }
  }

  for (const name of packages) {
    const listing = await mustRun('tar', ['-tzf', join(tarballs, packed.find((f) => f.startsWith(`obs-${name}-`)) ?? '')], dir)
    t.match(listing, /^package\/LICENSE$/m, `@obs/${name} ships its LICENSE`)
  }
})
