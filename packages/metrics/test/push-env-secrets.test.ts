import { test } from 'tap'
import { resolvePush } from '../src/push/index.js'

test('an invalid OTLP endpoint variable is warned about without its value, which may hold credentials or a token', async (t) => {
  const seen: string[] = []
  // Only @obs's warnings: the test runner's loader has its own on some Node lines (DEP0205).
  const listener = (warning: Error & { code?: string }): void => { if (warning.code?.startsWith('OBS_') === true) seen.push(`${warning.code} ${warning.message}`) }
  process.on('warning', listener)
  t.teardown(() => { process.off('warning', listener) })
  const push = resolvePush(undefined, {
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'ftp://user:hunter2@collector:4318/v1/metrics?token=abc123',
    OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr3t,oops'
  })
  await new Promise((resolve) => setImmediate(resolve))
  t.ok(push !== undefined, 'push is still on, with the defaults')
  t.same(seen.sort(), [
    'OBS_METRICS_INVALID_ENV Ignoring OTEL_EXPORTER_OTLP_HEADERS: item 2 of the list is not key=value; the whole list is ignored',
    'OBS_METRICS_INVALID_ENV Ignoring OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: expected an http(s) URL'
  ])
  t.notMatch(seen.join('\n'), /hunter2|abc123|s3cr3t/)
})
