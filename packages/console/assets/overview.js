/* global EventSource */
// The overview: request rate, error ratio and latency per route, the process, and health, as
// live charts fed by the server-sent events of api/stream (sampling runs only while it is open).
import { timeChart } from './charts.js'
import {
  el, formatBytes, formatMs, formatPercent, formatRate, formatSeconds, main, missingNote, prefix, setStatus, show
} from './common.js'

const TOP_ROUTES = 6
const state = { samples: [], health: null, missing: {}, historySeconds: 300, latencyRoute: undefined }

const requests = el('section', { class: 'panel', id: 'requests' }, el('h2', {}, 'Requests'))
const routeTable = el('div', { class: 'table-wrap', id: 'routes' })
const processPanel = el('section', { class: 'panel', id: 'process' }, el('h2', {}, 'Process'))
const healthPanel = el('section', { class: 'panel', id: 'health' }, el('h2', {}, 'Health'))
const healthBody = el('div')
healthPanel.append(healthBody)
show(main, requests, processPanel, healthPanel)

const requestGrid = el('div', { class: 'grid' })
const latencyPicker = el('select', { 'aria-label': 'Route of the latency chart', onchange: () => { state.latencyRoute = latencyPicker.value; draw() } })
requests.append(requestGrid, routeTable)
const rateChart = timeChart(requestGrid, { title: 'Request rate (per second)', format: (v) => v.toFixed(v < 10 ? 2 : 0) })
const errorChart = timeChart(requestGrid, { title: 'Error ratio (5xx)', format: (v) => formatPercent(v) })
const latencyChart = timeChart(requestGrid, { title: 'Latency p50 / p95 / p99', format: (v) => formatSeconds(v) })
latencyChart.figure.querySelector('figcaption').append(' of ', latencyPicker)

const processGrid = el('div', { class: 'grid' })
processPanel.append(processGrid)
const cpuChart = timeChart(processGrid, { title: 'CPU (share of one core)', format: (v) => formatPercent(v) })
const memoryChart = timeChart(processGrid, { title: 'Memory', format: (v) => formatBytes(v) })
const loopChart = timeChart(processGrid, { title: 'Event-loop delay', format: (v) => formatMs(v) })

const routeKey = (r) => `${r.method} ${r.route}`

/** Times in seconds, with a null point where the console stopped watching (a gap in the lines). */
function series (pick) {
  const times = []
  const values = []
  for (const sample of state.samples) {
    if (sample.gap) { times.push(sample.t / 1000 - 0.001); values.push(null) }
    times.push(sample.t / 1000)
    values.push(pick(sample))
  }
  return { times, values }
}

function topRoutes () {
  const totals = new Map()
  for (const sample of state.samples) {
    for (const r of sample.routes ?? []) totals.set(routeKey(r), (totals.get(routeKey(r)) ?? 0) + r.rate)
  }
  return [...totals].sort((a, b) => b[1] - a[1]).map(([key]) => key)
}

function routeLines (keys, field) {
  let times = []
  const lines = keys.map((key) => {
    const s = series((sample) => sample.routes === null ? null : (sample.routes.find((r) => routeKey(r) === key)?.[field] ?? (field === 'rate' ? 0 : null)))
    times = s.times
    return { label: key, values: s.values }
  })
  return { times, lines }
}

function drawRequests () {
  if (state.missing.requests !== undefined) {
    show(requests, el('h2', {}, 'Requests'), missingNote(state.missing.requests))
    return
  }
  const keys = topRoutes()
  const top = keys.slice(0, TOP_ROUTES)
  const rates = routeLines(top, 'rate')
  rateChart.update(rates.times, rates.lines)
  const errors = routeLines(top, 'errorRatio')
  errorChart.update(errors.times, errors.lines)

  if (state.latencyRoute === undefined || !keys.includes(state.latencyRoute)) state.latencyRoute = keys[0]
  if ([...latencyPicker.options].map((o) => o.value).join('\n') !== keys.join('\n')) {
    show(latencyPicker, keys.map((key) => el('option', { value: key }, key)))
  }
  latencyPicker.value = state.latencyRoute ?? ''
  const latency = ['p50', 'p95', 'p99'].map((q) => ({ q, ...series((s) => s.routes?.find((r) => routeKey(r) === state.latencyRoute)?.[q] ?? null) }))
  latencyChart.update(latency[0].times, latency.map(({ q, values }) => ({ label: q, values })))

  const latest = [...state.samples].reverse().find((s) => s.routes !== null)
  const rows = [...(latest?.routes ?? [])].sort((a, b) => b.rate - a.rate)
  show(routeTable, el('table', { class: 'routes' },
    el('thead', {}, el('tr', {}, ['Route', 'Rate', 'Errors', 'p50', 'p95', 'p99', 'Slow requests'].map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.length === 0
      ? el('tr', {}, el('td', { colspan: 7, class: 'dim' }, 'No requests yet.'))
      : rows.map((r) => el('tr', {},
        el('td', {}, routeKey(r)), el('td', { class: 'num' }, formatRate(r.rate)), el('td', { class: 'num' }, formatPercent(r.errorRatio)),
        el('td', { class: 'num' }, formatSeconds(r.p50)), el('td', { class: 'num' }, formatSeconds(r.p95)), el('td', { class: 'num' }, formatSeconds(r.p99)),
        el('td', {}, el('a', { href: `${prefix}traces?route=${encodeURIComponent(r.route)}` }, 'exemplars & traces'))))))
  )
}

function drawProcess () {
  const cpu = series((s) => s.process?.cpu ?? null)
  cpuChart.update(cpu.times, [{ label: 'cpu', values: cpu.values }])
  const rss = series((s) => s.process?.rssBytes ?? null)
  const heap = series((s) => s.process?.heapUsedBytes ?? null)
  memoryChart.update(rss.times, [{ label: 'rss', values: rss.values }, { label: 'heap used', values: heap.values }])
  const mean = series((s) => s.process?.eventLoopDelayMeanMs ?? null)
  const p99 = series((s) => s.process?.eventLoopDelayP99Ms ?? null)
  loopChart.update(mean.times, [{ label: 'mean', values: mean.values }, { label: 'p99', values: p99.values }])
}

const badge = (status) => el('span', { class: `badge ${status}` }, status)

function drawHealth () {
  if (state.missing.health !== undefined) return show(healthBody, missingNote(state.missing.health))
  const health = state.health
  if (health === null) return show(healthBody, el('p', { class: 'dim' }, 'Running the probes…'))
  show(healthBody,
    el('p', { class: 'probes' }, health.probes.map((p) => el('span', { class: 'probe' }, `${p.probe} `, badge(p.status), p.reason ? ` ${p.reason}` : ''))),
    el('table', { class: 'checks' },
      el('thead', {}, el('tr', {}, ['Check', 'Status', 'Critical', 'Probes', 'Duration', 'Error'].map((h) => el('th', {}, h)))),
      el('tbody', {}, health.checks.length === 0
        ? el('tr', {}, el('td', { colspan: 6, class: 'dim' }, 'No checks.'))
        : health.checks.map((c) => el('tr', { dataset: { check: c.name } },
          el('td', {}, c.name), el('td', {}, badge(c.status)), el('td', {}, c.critical ? 'yes' : 'no'),
          el('td', {}, c.probes.join(', ')), el('td', { class: 'num' }, formatMs(c.durationMs)), el('td', {}, c.error ?? ''))))))
}

function trim () {
  const oldest = Date.now() - state.historySeconds * 1000
  while (state.samples.length > 0 && state.samples[0].t < oldest) state.samples.shift()
}

function draw () {
  trim()
  drawRequests()
  drawProcess()
}

const stream = new EventSource(`${prefix}api/stream`)
stream.addEventListener('open', () => setStatus('live', true))
stream.addEventListener('error', () => setStatus('reconnecting…'))
stream.addEventListener('history', (event) => {
  const history = JSON.parse(event.data)
  Object.assign(state, { samples: history.samples, health: history.health, missing: history.missing, historySeconds: history.historySeconds })
  draw()
  drawHealth()
})
stream.addEventListener('sample', (event) => {
  state.samples.push(JSON.parse(event.data))
  draw()
})
stream.addEventListener('health', (event) => {
  state.health = JSON.parse(event.data)
  drawHealth()
})
