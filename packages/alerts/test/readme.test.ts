import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import ts from 'typescript'
import alerts from '../src/index.js'
import { startReceiver } from '../../../test-support/http-receiver.js'
import { buildApp, MINUTE, testEngine } from './helpers.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const readme = await readFile(join(packageDir, 'README.md'), 'utf8')
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

/** `import a, { b } from 'x'` as `const { default: a, b } = await import('x')`; `@obs/alerts` is this package's source. */
function dynamicImports (code: string): string {
  return code.replace(/^import (?:(\w+)(?:, )?)?(?:\{([^}]*)\})? from '([^']+)'$/gm, (_all, name: string | undefined, named: string | undefined, from: string) => {
    const names = [
      ...(name === undefined ? [] : [`default: ${name}`]),
      ...(named ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type '))
    ]
    const target = from === '@obs/alerts' ? pathToFileURL(join(packageDir, 'src/index.ts')).href : from
    return `const { ${names.join(', ')} } = await import(${JSON.stringify(target)})`
  })
}

test('every TypeScript example of the README runs as it is written', async (t) => {
  t.ok(examples.length >= 3, `${examples.length} examples`)
  const dir = await mkdtemp(join(packageDir, '.readme-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const slack = await startReceiver()
  t.teardown(() => slack.close())
  process.env.SLACK_WEBHOOK_URL = `${slack.url}/services/T0/B0/x`
  process.env.ALERTS_TOKEN = 'readme-token'
  for (const [index, example] of examples.entries()) {
    // Examples that use `app` without making one get an app with @obs/metrics and @obs/alerts.
    const app = await buildApp({ drainTimeout: '100ms' })
    t.teardown(() => app.close())
    // The examples' endpoints (pager.internal, hooks.example.com…) become the local receiver, so
    // that running them sends nothing off this machine, not even a DNS query.
    const local = dynamicImports(example).replace(/https?:\/\/(?:[^@/\s'"`]+@)?[a-z0-9.-]+(?::\d+)?(?=[/'"`])/gi, (url) => url.includes('127.0.0.1') ? url : slack.url)
    const wrapped = `export default async function (scope) {\n  const { app } = scope\n  {\n${local}\n  return typeof app === 'undefined' ? undefined : app\n  }\n}\n`
    const js = ts.transpileModule(wrapped, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
    const file = join(dir, `example-${index}.mjs`)
    await writeFile(file, js)
    const run = (await import(pathToFileURL(file).href) as { default: (scope: unknown) => Promise<{ close: () => Promise<unknown> } | undefined> }).default
    let own: { close: () => Promise<unknown> } | undefined
    await t.resolves(async () => { own = await run({ app }) }, `example ${index + 1} runs: ${example.split('\n')[0]}`)
    // An example that made its own app closes it here (an unreachable notifier waits for drainTimeout).
    if (own !== undefined && own !== app) await own.close()
  }
})

test('the README\'s absent example does not fire in-process while its series exists', async (t) => {
  const e = testEngine([{ kind: 'absent', name: 'EmailWorkerGone', metric: 'heartbeat_total', match: { queue: 'emails' } }])
  e.series.set('heartbeat_total', { queue: 'emails' }, 1)
  await e.step(MINUTE)
  t.same(e.firing(), [], 'the heartbeat is there')
  e.series.remove('heartbeat_total')
  await e.step(MINUTE)
  t.same(e.firing(), ['EmailWorkerGone'], 'and it fires once the heartbeat is gone')
})

test('a rule matching a label only Prometheus adds (job, instance) is named in a warning at registration', async (t) => {
  const warnings: Array<{ msg: string, rules?: string[] }> = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => { warnings.push(JSON.parse(line)) } } } })
  t.teardown(() => app.close())
  await app.register(metrics, { processMetrics: false, agentMetrics: false })
  await app.register(alerts, { interval: false, rules: [{ kind: 'absent', name: 'WorkerGone', metric: 'heartbeat_total', match: { job: 'worker' } }] })
  t.match(warnings, [{ rules: ['WorkerGone'], msg: /rule WorkerGone matches job or instance, labels only Prometheus adds: in-process no series has them/ }])
})
