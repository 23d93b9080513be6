/* global history, location */
// Metrics: every metric of the registry, searchable; one opens as a table of its series and a
// chart of them (counters as per-second rates) built from the readings taken while it is open.
import { timeChart } from './charts.js'
import { api, el, formatValue, main, missingNote, poll, query, show } from './common.js'

const CHART_SERIES = 8
const search = el('input', { type: 'search', placeholder: 'filter metrics', 'aria-label': 'Filter metrics' })
const list = el('ul', { class: 'metric-list' })
const detail = el('section', { class: 'panel metric-detail' })
const note = el('div')
show(main, note, el('div', { class: 'split' }, el('nav', { class: 'panel' }, el('h2', {}, 'Metrics'), search, list), detail))

let metrics = []
let stop
const selected = () => query().get('name')

function drawList () {
  const filter = search.value.trim().toLowerCase()
  show(list, metrics.filter((m) => m.name.includes(filter)).map((m) => el('li', {},
    el('a', { href: `?name=${m.name}`, 'aria-current': m.name === selected() ? 'true' : undefined, onclick: (e) => { e.preventDefault(); open(m.name) } },
      m.name, el('span', { class: 'dim' }, ` ${m.type}`)))))
}
search.addEventListener('input', drawList)

const seriesKey = (s) => `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`
/** A legend entry: the label values (and the sample's suffix), short enough to read. */
const shortLabel = (s, family) => [s.name === family ? '' : s.name.slice(family.length), ...Object.values(s.labels)].filter(Boolean).join(' ') || family

function open (name) {
  history.replaceState(null, '', `${location.pathname}?name=${encodeURIComponent(name)}`)
  drawList()
  stop?.()
  const readings = []
  const caption = el('p', { class: 'dim' })
  const table = el('div', { class: 'table-wrap' })
  const chartBox = el('div')
  show(detail, el('h2', {}, name), caption, chartBox, table)
  let chart
  stop = poll(async () => {
    const reading = await api(`metrics/${encodeURIComponent(name)}`)
    readings.push(reading)
    if (readings.length > 300) readings.shift()
    const counter = reading.type === 'counter' || reading.type === 'histogram' || reading.type === 'summary'
    caption.textContent = `${reading.type}. ${reading.help}${counter ? ' Charted as a rate per second.' : ''}`
    const charted = reading.series.filter((s) => !s.name.endsWith('_bucket') && (reading.type !== 'histogram' || s.name.endsWith('_count')))
      .sort((a, b) => b.value - a.value).slice(0, CHART_SERIES)
    chart ??= timeChart(chartBox, { title: counter ? 'rate per second' : 'value', format: formatValue })
    const times = readings.map((r) => r.at / 1000)
    chart.update(times, charted.map((series) => seriesKey(series)).map((key, i) => ({
      label: shortLabel(charted[i], reading.name),
      values: readings.map((r, i) => {
        const now = r.series.find((s) => seriesKey(s) === key)?.value
        if (!counter) return now ?? null
        const before = readings[i - 1]?.series.find((s) => seriesKey(s) === key)?.value
        return now === undefined || before === undefined ? null : Math.max(now - before, 0) / ((r.at - readings[i - 1].at) / 1000)
      })
    })))
    show(table, el('table', { class: 'series' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Series'), el('th', {}, 'Value'))),
      el('tbody', {}, reading.series.map((s) => el('tr', {}, el('td', {}, el('code', {}, seriesKey(s))), el('td', { class: 'num' }, formatValue(s.value)))))))
  }, 2000)
}

const body = await api('metrics')
if (body.missing) show(note, missingNote(body.missing))
metrics = body.metrics
drawList()
if (selected()) open(selected())
else show(detail, el('p', { class: 'dim' }, 'Pick a metric to see its series and chart.'))
