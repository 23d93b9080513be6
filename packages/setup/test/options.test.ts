import { test } from 'tap'
import Fastify from 'fastify'
import setup, { type SetupOptions } from '../src/index.js'

const register = async (options: unknown): Promise<void> => {
  const app = Fastify()
  try {
    await app.register(setup, options as SetupOptions)
    await app.ready()
  } finally {
    await app.close()
  }
}

test('bad options make register reject with OBS_SETUP_INVALID_OPTION, naming the option', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /"serviceName": expected the name of the service, a non-empty string/],
    [{}, /"serviceName": expected the name of the service/],
    [{ serviceName: '  ' }, /"serviceName"/],
    [{ serviceName: 42 }, /"serviceName"/],
    [{ serviceName: 'a', environment: '' }, /"environment": expected a non-empty string/],
    [{ serviceName: 'a', metric: {} }, /"metric": unknown option; did you mean "metrics"\?/],
    [{ serviceName: 'a', dashboards: {} }, /"dashboards": unknown option; the options are serviceName, environment, tracingSdk, metrics, tracing, health, alerts, console, prefix, logLevel, logSerializers/],
    [{ serviceName: 'a', metrics: true }, /"metrics": expected the options of that part \(an object\), or false to leave it out/],
    [{ serviceName: 'a', console: [] }, /"console": expected the options of that part/],
    [{ serviceName: 'a', tracingSdk: 'off' }, /"tracingSdk"/],
    [{ serviceName: 'a', metrics: false }, /"alerts": @obs\/alerts evaluates the metrics of @obs\/metrics/]
  ]
  for (const [options, message] of cases) {
    await t.rejects(register(options), { code: 'OBS_SETUP_INVALID_OPTION', message }, JSON.stringify(options))
  }
})

test('a part\'s own options are checked by the part, with its own code', async (t) => {
  await t.rejects(register({ serviceName: 'a', tracingSdk: false, metrics: { path: 'metrics' } }), { code: 'OBS_METRICS_INVALID_OPTION' })
  await t.rejects(register({ serviceName: 'a', tracingSdk: false, alerts: { interval: 'often' } }), { code: 'OBS_ALERTS_INVALID_OPTION' })
})

test('Fastify\'s own register options are not unknown options', async (t) => {
  await t.resolves(register({ serviceName: 'a', tracingSdk: false, logLevel: 'warn' }))
})

test('metrics off with alerts off is fine', async (t) => {
  await t.resolves(register({ serviceName: 'a', metrics: false, alerts: false, tracingSdk: false }))
})
