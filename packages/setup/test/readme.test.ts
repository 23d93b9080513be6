import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { test } from 'tap'
import ts from 'typescript'
import type { FastifyInstance } from 'fastify'
import { samples } from '../../../test-support/exposition.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const readme = await readFile(join(packageDir, 'README.md'), 'utf8')
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

/** `import a, { b } from 'x'` as dynamic imports; `@obs/setup` is this package's source. */
function dynamicImports (code: string): string {
  return code.replace(/^import (?:(\w+)(?:, )?)?(?:\{([^}]*)\})? from '([^']+)'$/gm, (_all, name: string | undefined, named: string | undefined, from: string) => {
    const names = [...(name === undefined ? [] : [`default: ${name}`]), ...(named ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '')]
    const target = from === '@obs/setup' ? pathToFileURL(join(packageDir, 'src/index.ts')).href : from
    return `const { ${names.join(', ')} } = await import(${JSON.stringify(target)})`
  })
}

test('the README\'s example runs as it is written (listening on a free port instead of 3000)', async (t) => {
  t.equal(examples.length, 1)
  const dir = await mkdtemp(join(packageDir, '.readme-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  process.env.LOG_LEVEL = 'silent'
  const code = dynamicImports(examples[0]!).replace('app.listen({ port: 3000, host: \'0.0.0.0\' })', 'app.listen({ port: 0, host: \'127.0.0.1\' })')
  const js = ts.transpileModule(`export default async function () {\n${code}\nreturn app\n}\n`, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
  const file = join(dir, 'example.mjs')
  await writeFile(file, js)
  const app = await (await import(pathToFileURL(file).href) as { default: () => Promise<FastifyInstance> }).default()
  t.teardown(() => app.close())
  t.equal(app.obsSetup.serviceName, 'checkout')
  t.equal(app.obsSetup.startedTracingSdk, true)
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  for (const path of ['/health/ready', '/alerts', '/metrics/summary']) t.equal((await fetch(`${url}${path}`)).status, 200, path)
  const metrics = samples(await (await fetch(`${url}/metrics`)).text())
  t.ok(metrics.get('process_resident_memory_bytes{service="checkout",environment="production"}')! > 0, 'labelled with the service and environment')
})
