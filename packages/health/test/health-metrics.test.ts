import { test } from 'tap'
import Fastify from 'fastify'
import metrics from '@obs/metrics'
import health from '../src/index.js'
import { samples } from '../../../test-support/exposition.js'

for (const order of ['metrics first', 'health first'] as const) {
  test(`with @obs/metrics (${order}), each check's status and duration are metrics, and probes stay out of the request metrics`, async (t) => {
    const app = Fastify()
    if (order === 'metrics first') await app.register(metrics, { processMetrics: false })
    await app.register(health, { pressure: false })
    if (order === 'health first') await app.register(metrics, { processMetrics: false })
    let dbUp = true
    app.health.addCheck({ name: 'db', check: () => dbUp })
    app.health.addCheck({ name: 'cache', check: () => false, critical: false })
    await app.ready()

    await app.inject('/health/ready')
    let s = samples((await app.inject('/metrics')).body)
    t.equal(s.get('health_check_up{check="db",critical="true"}'), 1)
    t.equal(s.get('health_check_up{check="cache",critical="false"}'), 0)
    t.ok(s.get('health_check_duration_seconds{check="db"}')! >= 0)
    t.notOk([...s.keys()].some((key) => key.includes('route="/health/')), 'probe requests are not in http_requests_total')

    dbUp = false
    await app.inject('/health/ready')
    s = samples((await app.inject('/metrics')).body)
    t.equal(s.get('health_check_up{check="db",critical="true"}'), 0)
    t.equal(s.get('health_check_up{check="event-loop",critical="true"}'), undefined, 'a check not run yet has no series')
    await app.close()
  })
}
