import { test } from 'tap'
import { samples } from '@obs/test-support/exposition'
import { SimulatedProvider } from '../src/llm/simulated-provider.js'
import { ask, buildTestApp } from './helpers.js'

const labels = 'service="agent",environment="dev"'

test('a task that failed every retry goes to the dead-letter queue, from where it can be retried', async (t) => {
  const provider = new SimulatedProvider({ failureRate: 1, latencyScale: 0.002, seed: 2 })
  const { app } = await buildTestApp({}, { provider })
  t.teardown(() => app.close())
  const failed = (await ask(app, 'What is an exemplar?')).json().task
  t.equal(failed.status, 'failed')

  const listed = (await app.inject('/dead-letters')).json()
  t.equal(listed.size, 1)
  t.same(listed.tasks.map((task: { id: string }) => task.id), [failed.id])
  t.equal(listed.tasks[0].error.code, failed.error.code)
  t.equal(samples((await app.inject('/metrics')).body).get(`agent_queue_size{queue="dead-letter",${labels}}`), 1)

  // The model is back: the retry runs the task again and it leaves the queue.
  provider.failureRate = 0
  const retried = await app.inject({ method: 'POST', url: `/dead-letters/${failed.id}/retry` })
  t.equal(retried.statusCode, 202)
  t.equal(retried.headers.location, `/tasks/${failed.id}`)
  t.equal((await app.inject('/dead-letters')).json().size, 0)
  let task
  for (let i = 0; i < 200 && task?.status !== 'completed'; i++) {
    task = (await app.inject(`/tasks/${failed.id}`)).json().task
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.equal(task.status, 'completed')
  t.equal(task.error, undefined, 'the failure of the earlier run is cleared')
  t.equal(samples((await app.inject('/metrics')).body).get(`agent_queue_size{queue="dead-letter",${labels}}`), 0)
  t.equal((await app.inject({ method: 'POST', url: `/dead-letters/${failed.id}/retry` })).json().code, 'DEAD_LETTER_NOT_FOUND')
})

test('a retry the full queue refuses leaves the task in the dead-letter queue as it was; discarding removes it', async (t) => {
  const provider = new SimulatedProvider({ failureRate: 1, latencyScale: 0.002, seed: 3 })
  const { app } = await buildTestApp({ workers: 1, queueCapacity: 1 }, { provider })
  t.teardown(() => app.close())
  const failed = (await ask(app, 'What is a burn rate?')).json().task
  // One worker busy, the only place taken: the queue is full.
  provider.failureRate = 0
  provider.latencyScale = 0.5
  t.equal((await ask(app, 'What is a burn rate? (1)', false)).statusCode, 202)
  t.equal((await ask(app, 'What is a burn rate? (2)', false)).statusCode, 202)

  const refused = await app.inject({ method: 'POST', url: `/dead-letters/${failed.id}/retry` })
  t.equal(refused.statusCode, 503)
  t.equal(refused.json().code, 'QUEUE_FULL')
  const [kept] = (await app.inject('/dead-letters')).json().tasks
  t.same(kept, failed, 'unchanged')

  t.equal((await app.inject({ method: 'DELETE', url: `/dead-letters/${failed.id}` })).statusCode, 204)
  t.equal((await app.inject('/dead-letters')).json().size, 0)
  t.equal((await app.inject({ method: 'DELETE', url: `/dead-letters/${failed.id}` })).statusCode, 404)
})

test('the queue health check warns once dead letters pile up (seed 000), and never fails on them', async (t) => {
  const provider = new SimulatedProvider({ failureRate: 1, latencyScale: 0.002, seed: 4 })
  const { app } = await buildTestApp({ deadLetterWarnAt: 2 }, { provider })
  t.teardown(() => app.close())
  await ask(app, 'What is an exemplar?')
  const one = (await app.inject('/health/ready')).json()
  t.equal(one.checks.queue.status, 'pass')
  t.same(one.checks.queue.details, { depth: 0, warnAt: 100, failAt: 500, deadLetters: 1, deadLetterWarnAt: 2 })

  await ask(app, 'What is a burn rate?')
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200, 'still ready: past failures do not take the service out')
  t.equal(ready.json().checks.queue.status, 'warn')
  t.equal(ready.json().checks.queue.details.deadLetters, 2)
})
