// End to end, in a real headless Chromium: the demo's plugins under load, every view opened as a
// person would, and a screenshot of each saved: to a temporary folder, or to the folder
// OBS_CONSOLE_SCREENSHOTS names (`OBS_CONSOLE_SCREENSHOTS=packages/console/docs` renews the README's).
import { mkdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'tap'
import Fastify from 'fastify'
import obsConsole from '../src/index.js'
import { openInBrowser } from './browser.js'
import { buildTestApp, load } from './helpers.js'

const screenshots = resolve(process.env.OBS_CONSOLE_SCREENSHOTS ?? join(tmpdir(), 'obs-console-screenshots'))
mkdirSync(screenshots, { recursive: true })
const ACK_TOKEN = 'ack-s3cret'

test('the console in a browser', async (t) => {
  const { app } = await buildTestApp({ alerts: { ackAuth: { bearerToken: ACK_TOKEN } } })
  const { base, page } = await openInBrowser(t, app)
  const traffic = load(base)
  t.teardown(() => traffic.stop())
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // The first acknowledgement is refused on purpose (ackAuth): Chromium logs that 401.
    const expected = message.text().includes('401') && /\/alerts\/[0-9a-f]{16}\/ack$/.test(message.location().url)
    if (message.type() === 'error' && !expected) errors.push(`${message.text()} (${message.location().url})`)
  })
  const shoot = async (name: string): Promise<void> => {
    const path = join(screenshots, `${name}.png`)
    await page.screenshot({ path })
    t.ok(statSync(path).size > 10_000, `screenshot ${path}`)
  }

  await t.test('under load, the overview\'s charts show data', async (t) => {
    await page.goto(`${base}/obs/`)
    await page.locator('#live.on').waitFor()
    // A few samples in: the route table fills, and the rate chart holds points for the route.
    await page.locator('#routes tr:has-text("GET /users/:id") td.num').first().filter({ hasNotText: '–' }).waitFor()
    await page.waitForFunction('document.querySelectorAll("#routes tbody tr").length >= 3')
    const rate = page.locator('figure.chart').filter({ hasText: 'Request rate' })
    t.match(await rate.locator('.u-legend').innerText(), /GET \/users\/:id/)
    // Hover the right end of the plot: the legend shows the values under the cursor, numbers, not
    // dashes. A chart is drawn anew when a route joins it, so the plot is looked up again until the
    // legend answers (a detached plot has no box).
    const over = rate.locator('.u-over')
    let value = ''
    for (let attempt = 0; attempt < 40 && !/^\d+(\.\d+)?$/.test(value); attempt++) {
      const box = await over.boundingBox()
      if (box !== null) {
        await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2)
        value = await rate.locator('.u-legend tr:has-text("GET /users/:id") .u-value').innerText()
      }
      if (!/^\d+(\.\d+)?$/.test(value)) await page.waitForTimeout(250)
    }
    t.match(value, /^\d+(\.\d+)?$/, `the rate under the cursor: ${value}`)
    t.ok(Number(value) > 0)
    await page.locator('#health tr[data-check="database"] .badge.pass').waitFor()
    await page.locator('figure.chart').filter({ hasText: 'Event-loop delay' }).locator('canvas').waitFor()
    // A few more seconds of samples, for a screenshot that shows lines rather than points.
    await page.waitForTimeout(6000)
    await shoot('overview')
  })

  await t.test('a trace opened from the list shows its spans in order', async (t) => {
    await page.goto(`${base}/obs/traces?route=%2Fslow`)
    const first = page.locator('table.traces tbody tr a.trace-link').first()
    await first.waitFor()
    await page.locator('#exemplars table.exemplars a.trace-link').first().waitFor()
    await shoot('traces')
    const traceId = await first.getAttribute('title')
    await first.click()
    await page.waitForURL(`${base}/obs/traces/${traceId}`)
    await page.locator('.waterfall').waitFor()
    t.same(await page.locator('.waterfall .span-name').allInnerTexts(), ['GET /slow', 'llm.call', 'tool.search'])
    await page.locator('.waterfall summary').first().click()
    t.match(await page.locator('.waterfall details[open] table.attributes').innerText(), /http\.route\s+\/slow/)
    await shoot('trace')
  })

  await t.test('a log line links to its trace', async (t) => {
    await page.goto(`${base}/obs/logs?text=slow%20answer`)
    const row = page.locator('table.logs tbody tr', { hasText: 'slow answer' }).first()
    await row.waitFor()
    t.equal(await row.locator('.badge').innerText(), 'warn')
    await page.goto(`${base}/obs/logs`)
    await page.locator('table.logs tbody tr a.trace-link').first().waitFor()
    await shoot('logs')
    await page.goto(`${base}/obs/logs?text=slow%20answer`)
    const link = page.locator('table.logs tbody tr', { hasText: 'slow answer' }).first().locator('a.trace-link')
    const traceId = await link.getAttribute('title')
    await link.click()
    await page.waitForURL(`${base}/obs/traces/${traceId}`)
    // The page fetches the trace after it loads: wait for the waterfall, then read it.
    await page.locator('.waterfall .span-name').first().waitFor()
    t.same(await page.locator('.waterfall .span-name').allInnerTexts(), ['GET /slow', 'llm.call', 'tool.search'], 'the trace of that line')
  })

  await t.test('acknowledging an alert changes its state on the page, through the alerts\' auth', async (t) => {
    app.alerts.raise({ title: 'DiskAlmostFull', message: 'disk at 91%', severity: 'warning' })
    await page.goto(`${base}/obs/alerts`)
    const row = page.locator('#active tr', { hasText: 'DiskAlmostFull' })
    await row.locator('.badge.firing').waitFor()
    await page.locator('#rules tr', { hasText: 'BrokenCheck' }).waitFor()
    // The engine evaluates every second here: the page sees the next evaluations, and which failed.
    await page.locator('#rules tr[data-rule="BrokenCheck"] td.last .badge.fail').waitFor()
    await page.locator('#rules tr[data-rule="HighErrorRatio"] td.last .badge.pass').waitFor()
    await shoot('alerts')
    await row.locator('button.ack').click()
    // ackAuth is set: the page asks for the token, then acknowledges with it.
    const token = row.locator('form.token input[name="token"]')
    await token.waitFor()
    // Longer than the view's refresh: the form must still be there (it was redrawn away once).
    await page.waitForTimeout(5500)
    t.ok(await token.isVisible(), 'the token form outlives a refresh')
    await token.fill(ACK_TOKEN)
    await row.locator('form.token button[type="submit"]').click()
    await page.locator('#active tr', { hasText: 'DiskAlmostFull' }).locator('.badge.acknowledged').waitFor()
    t.match(await page.locator('#active tr', { hasText: 'DiskAlmostFull' }).innerText(), /acknowledged by console/)
    t.equal(app.alerts.active().find((a) => a.name === 'DiskAlmostFull')?.acknowledged?.by, 'console')
  })

  await t.test('the metrics view charts a metric of the registry', async (t) => {
    await page.goto(`${base}/obs/metrics`)
    await page.locator('.metric-list a', { hasText: 'http_requests_total' }).click()
    await page.locator('table.series tr', { hasText: '/users/:id' }).waitFor()
    await page.locator('.metric-detail figure.chart canvas').waitFor()
    // Two readings make a rate: wait for the legend to list the series.
    await page.waitForFunction('document.querySelector(".metric-detail .u-legend")?.textContent?.includes("/users/:id") === true')
    t.match(await page.locator('.metric-detail h2').innerText(), 'http_requests_total')
    await shoot('metrics')
  })

  t.same(errors, [], 'no error in the page')
})

test('with no other @obs plugin, each view says what is missing', async (t) => {
  const app = Fastify()
  await app.register(obsConsole, { env: {} })
  const { base, page } = await openInBrowser(t, app)
  await page.goto(`${base}/obs/`)
  t.match(await page.locator('#requests .missing').innerText(), /@obs\/metrics is not registered/)
  t.match(await page.locator('#health .missing').innerText(), /@obs\/health is not registered/)
  t.ok(await page.locator('figure.chart').filter({ hasText: 'CPU' }).isVisible(), 'the process charts need no other plugin')
  for (const [view, note] of [['logs', /No log store/], ['alerts', /@obs\/alerts is not registered/], ['metrics', /@obs\/metrics is not registered/]] as const) {
    await page.goto(`${base}/obs/${view}`)
    t.match(await page.locator('.missing').first().innerText(), note, view)
  }
})

test('with a bearer token, a browser signs in once and every view works, live stream included', async (t) => {
  const { app } = await buildTestApp({ console: { auth: { bearerToken: 'console-s3cret' } } })
  const { base, page } = await openInBrowser(t, app)
  const response = await page.goto(`${base}/obs/logs`)
  t.equal(response?.status(), 401)
  await page.locator('input[name="token"]').fill('wrong')
  await page.locator('button[type="submit"]').click()
  await page.locator('.sign-in .error').waitFor()
  await page.locator('input[name="token"]').fill('console-s3cret')
  await page.locator('button[type="submit"]').click()
  await page.waitForURL(`${base}/obs/logs`)
  await page.locator('table.logs').waitFor()
  await page.goto(`${base}/obs/`)
  await page.locator('#live.on').waitFor()
  t.equal(app.obsConsole.watchers, 1, 'the event stream passed the auth with the session cookie')
})
