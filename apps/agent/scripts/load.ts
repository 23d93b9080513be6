// Drives the agent with a mix of work so every dashboard panel and alert has data: repeated
// questions (cache hits), arithmetic and clock questions (tools), a division by zero (a tool
// error), rejected and invalid tasks (4xx), unknown task ids (404), and whatever failures the
// simulated model is set to produce (LLM_FAILURE_RATE on the service).
//   node apps/agent/dist/scripts/load.js --url http://127.0.0.1:3000 --seconds 30 --concurrency 4
import { fileURLToPath } from 'node:url'
import { parseArgs } from './args.js'

const QUESTIONS = [
  'How do RED metrics help me watch a route?', 'What is an SLO burn rate?', 'When should a liveness probe fail?',
  'How does tracing follow a request?', 'Why is label cardinality dangerous?', 'How are histogram quantiles estimated?',
  'How do I shut down gracefully?', 'What sets the cost of an LLM call?', 'What makes a good alert?', 'What is an exemplar?',
  'What is 12 * 7 in requests per second?', 'What is 1500 / 60 seconds?', 'What time is it now for the on-call?',
  'What is 5 / 0 errors per request?', 'Tell me something about nothing in particular'
]

interface Step { method: 'GET' | 'POST', path: string, body?: unknown }

function nextStep (i: number): Step {
  const roll = i % 20
  if (roll < 12) return { method: 'POST', path: '/tasks?wait=true', body: { query: QUESTIONS[i % QUESTIONS.length] } }
  if (roll < 14) return { method: 'POST', path: '/tasks', body: { query: `${QUESTIONS[(i * 7) % QUESTIONS.length]} (#${i})`, model: 'sim-large' } }
  if (roll === 14) return { method: 'POST', path: '/tasks?wait=true', body: { query: 'hi' } }
  if (roll === 15) return { method: 'POST', path: '/tasks?wait=true', body: { query: 'my password: hunter2, is it safe?' } }
  if (roll === 16) return { method: 'POST', path: '/tasks', body: { query: 'which model?', model: 'no-such-model' } }
  if (roll === 17) return { method: 'GET', path: '/tasks/00000000-0000-0000-0000-000000000000' }
  return { method: 'GET', path: '/tasks?limit=20' }
}

export interface LoadResult {
  requests: number
  byStatus: Record<string, number>
  errors: number
}

/** Sends the mix for `seconds` from `concurrency` loops; resolves with counts by status. */
export async function runLoad (url: string, seconds: number, concurrency: number): Promise<LoadResult> {
  const until = Date.now() + seconds * 1000
  const byStatus: Record<string, number> = {}
  let requests = 0
  let errors = 0
  let i = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      const step = nextStep(i++)
      try {
        const response = await fetch(new URL(step.path, url), {
          method: step.method,
          ...(step.body === undefined ? {} : { body: JSON.stringify(step.body), headers: { 'content-type': 'application/json' } }),
          signal: AbortSignal.timeout(60_000)
        })
        await response.arrayBuffer()
        byStatus[response.status] = (byStatus[response.status] ?? 0) + 1
      } catch {
        errors++
      }
      requests++
    }
  }))
  return { requests, byStatus, errors }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2), { url: 'http://127.0.0.1:3000', seconds: '30', concurrency: '4' })
  const result = await runLoad(args.url!, Number(args.seconds), Number(args.concurrency))
  console.log(JSON.stringify(result, null, 2))
}
