// The canary gate as GitHub runs it (.github/workflows/agent-canary.yml) cannot run here: these
// check its shape, that its deploy-check commands are ones the command accepts, and that the
// canary it deploys is production's pod.
import { test } from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import { parseArgs } from '../scripts/args.js'
import { OPTIONS } from '../scripts/deploy-check.js'
import { AGENT_ROOT } from '../scripts/deploy-files.js'

interface Job { needs?: string | string[], if?: string, steps: Array<{ run?: string }> }

const workflow = async (): Promise<{ env: Record<string, string>, jobs: Record<string, Job> }> =>
  parse(await readFile(join(AGENT_ROOT, '../../.github/workflows/agent-canary.yml'), 'utf8'))

const runs = (job: Job): string => job.steps.map((step) => step.run ?? '').join('\n')

test('deploy, verify, then promote, or roll back when the canary is worse', async (t) => {
  const { jobs } = await workflow()
  t.same(Object.keys(jobs), ['build', 'deploy-canary', 'verify', 'promote', 'rollback'])
  t.equal(jobs['deploy-canary']!.needs, 'build')
  t.equal(jobs.verify!.needs, 'deploy-canary')
  t.equal(jobs.promote!.needs, 'verify', 'promoted only when verify passed')
  t.same(jobs.rollback!.needs, ['deploy-canary', 'verify'])
  t.match(jobs.rollback!.if, /needs\.verify\.result == 'failure'/, 'rolled back when verify failed')
  t.match(runs(jobs['deploy-canary']!), /apply -f apps\/agent\/deploy\/kubernetes\/canary\.yaml/)
  t.match(runs(jobs.promote!), /set image deployment\/agent agent="\$IMAGE"/)
  t.match(runs(jobs.rollback!), /delete -f apps\/agent\/deploy\/kubernetes\/canary\.yaml/)
})

test('the workflow\'s deploy-check commands are ones deploy-check accepts, the canary comparison at 1.2 over 300 s by default', async (t) => {
  const { env, jobs } = await workflow()
  const commands = runs(jobs.verify!).split('\n').filter((line) => line.includes('deploy-check --'))
  t.equal(commands.length, 2, 'the single check of the canary, then the comparison')
  const defaults: Record<string, string> = { MONITOR_SECONDS: /'(\d+)'/.exec(env.MONITOR_SECONDS!)![1]!, PERFORMANCE_THRESHOLD: /'([\d.]+)'/.exec(env.PERFORMANCE_THRESHOLD!)![1]! }
  const args = commands.map((line) => line.split(' -- ')[1]!.replace(/"\$(\w+)"/g, (_, name: string) => defaults[name]!).split(/\s+/))
  const [single, canary] = args.map((argv) => parseArgs(argv, OPTIONS))
  t.equal(single!.url, 'http://127.0.0.1:3100')
  t.equal(single!.canary, '')
  t.match(canary, { canary: 'http://127.0.0.1:3100', baseline: 'http://127.0.0.1:3200', seconds: '300', threshold: '1.2' })
})

test('the canary is production\'s pod under another name, one replica, taking no production traffic', async (t) => {
  const read = async (file: string) => parseAllDocuments(await readFile(join(AGENT_ROOT, 'deploy/kubernetes', file), 'utf8')).map((doc) => doc.toJS())
  const [stable] = await read('deployment.yaml')
  const [canary, canaryService] = await read('canary.yaml')
  const [service] = await read('service.yaml')
  t.equal(canary.metadata.name, 'agent-canary')
  t.equal(canary.spec.replicas, 1)
  t.same(canary.spec.template.spec, stable.spec.template.spec, 'the same pod: containers, probes, resources, grace period')
  t.same(canaryService.spec.selector, canary.spec.selector.matchLabels, 'its Service selects it')
  t.notOk(Object.entries(service.spec.selector).every(([key, value]) => canary.spec.template.metadata.labels[key] === value), 'production\'s Service does not')
})
