/* global location, history */
// Traces: the recent traces of this process, searchable by route, status, duration and trace id;
// one trace as a waterfall of its spans; a route's exemplars (its slow requests) linking to theirs.
import {
  api, attributeTable, el, formatMs, formatSeconds, formatTime, main, missingNote, now, poll, prefix, query, show, traceLink
} from './common.js'

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer']
const detailId = location.pathname.slice(`${prefix}traces/`.length)

if (/^[0-9a-f]{32}$/.test(detailId)) showTrace(detailId)
else showList()

function showList () {
  const params = query()
  const wantedRoute = params.get('route') ?? ''
  const route = el('select', { name: 'route', 'aria-label': 'Route' }, el('option', { value: '' }, 'any route'),
    wantedRoute ? el('option', { value: wantedRoute }, wantedRoute) : null)
  const status = el('select', { name: 'status', 'aria-label': 'Status' },
    ['', '2xx', '3xx', '4xx', '5xx', 'error'].map((s) => el('option', { value: s }, s === '' ? 'any status' : s)))
  const minMs = el('input', { name: 'minMs', type: 'number', min: 0, step: 'any', placeholder: 'min ms', 'aria-label': 'Minimum duration (ms)' })
  const traceId = el('input', { name: 'traceId', type: 'search', placeholder: 'trace id', 'aria-label': 'Trace id', pattern: '[0-9a-fA-F]{1,32}' })
  status.value = params.get('status') ?? ''
  minMs.value = params.get('minMs') ?? ''
  traceId.value = params.get('traceId') ?? ''
  const form = el('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); apply() } },
    route, status, minMs, traceId, el('button', { type: 'submit' }, 'Search'))
  const note = el('div')
  const exemplars = el('section', { class: 'panel', id: 'exemplars', hidden: true })
  const list = el('div', { class: 'table-wrap' })
  const summary = el('p', { class: 'dim' })
  show(main, el('section', { class: 'panel' }, el('h2', {}, 'Traces'), form, note), exemplars, el('section', { class: 'panel' }, summary, list))
  for (const control of [route, status]) control.addEventListener('change', apply)

  function filters () {
    const out = new URLSearchParams()
    if (route.value) out.set('route', route.value)
    if (status.value) out.set('status', status.value)
    if (minMs.value) out.set('minMs', minMs.value)
    if (traceId.value) out.set('traceId', traceId.value.trim().toLowerCase())
    return out
  }

  function apply () {
    const search = filters().toString()
    history.replaceState(null, '', search ? `?${search}` : location.pathname)
    now(refresh)
    now(loadExemplars)
  }

  async function refresh () {
    const body = await api(`traces?${filters()}&limit=50`)
    show(note, body.missing ? missingNote(body.missing) : null)
    const selected = route.value || wantedRoute
    const routes = [...new Set([...body.routes, ...(selected ? [selected] : [])])].sort()
    if ([...route.options].slice(1).map((o) => o.value).join('\n') !== routes.join('\n')) {
      show(route, el('option', { value: '' }, 'any route'), routes.map((r) => el('option', { value: r }, r)))
      route.value = selected
    }
    summary.textContent = `${body.traces.length} traces shown; ${body.held} of ${body.capacity} spans held.`
    show(list, el('table', { class: 'traces' },
      el('thead', {}, el('tr', {}, ['Started', 'Trace', 'Name', 'Status', 'Duration', 'Spans'].map((h) => el('th', {}, h)))),
      el('tbody', {}, body.traces.length === 0
        ? el('tr', {}, el('td', { colspan: 6, class: 'dim' }, 'No trace matches.'))
        : body.traces.map((t) => el('tr', { class: t.error ? 'error' : '', dataset: { traceId: t.traceId } },
          el('td', {}, formatTime(t.start)), el('td', {}, traceLink(t.traceId)), el('td', {}, t.name),
          el('td', {}, t.status ?? '–'), el('td', { class: 'num' }, formatMs(t.durationMs)), el('td', { class: 'num' }, t.spans))))))
  }

  async function loadExemplars () {
    const selected = route.value || wantedRoute
    exemplars.hidden = !selected
    if (!selected) return
    const body = await api(`exemplars?route=${encodeURIComponent(selected)}`)
    show(exemplars, el('h2', {}, `Slow requests of ${selected}`),
      el('p', { class: 'dim' }, 'The exemplars of the request duration histogram: the latest request in each bucket, slowest first.'),
      body.missing ? missingNote(body.missing) : null,
      el('table', { class: 'exemplars' },
        el('thead', {}, el('tr', {}, ['Duration', 'Bucket', 'Status', 'At', 'Trace'].map((h) => el('th', {}, h)))),
        el('tbody', {}, body.exemplars.length === 0
          ? el('tr', {}, el('td', { colspan: 5, class: 'dim' }, 'No exemplars: requests of this route were not traced (sampled) yet.'))
          : body.exemplars.map((e) => el('tr', {},
            el('td', { class: 'num' }, formatSeconds(e.seconds)), el('td', {}, e.le === null ? '+Inf' : `≤ ${formatSeconds(e.le)}`),
            el('td', {}, e.status), el('td', {}, formatTime(e.at)),
            el('td', {}, traceLink(e.traceId), e.held ? '' : el('span', { class: 'dim' }, ' (no longer held)')))))))
  }

  route.value = wantedRoute
  now(loadExemplars)
  poll(refresh, 3000)
}

async function showTrace (traceId) {
  const back = el('a', { href: `${prefix}traces` }, '← all traces')
  let trace
  try {
    trace = await api(`traces/${traceId}`)
  } catch (error) {
    show(main, el('section', { class: 'panel' }, back, el('h2', {}, `Trace ${traceId}`), missingNote(error.message)))
    return
  }
  const total = Math.max(trace.durationMs, 0.001)
  const rows = trace.spans.map((span) => {
    const left = (span.offsetMs / total) * 100
    const width = Math.max((span.durationMs / total) * 100, 0.3)
    return el('details', { class: `span${span.status.code === 2 ? ' error' : ''}`, dataset: { spanId: span.spanId } },
      el('summary', {},
        el('span', { class: 'span-name', style: { paddingLeft: `${span.depth * 1.2}em` } }, span.name),
        el('span', { class: 'span-bar-track' }, el('span', { class: 'span-bar', style: { left: `${left}%`, width: `${width}%` } })),
        el('span', { class: 'num' }, formatMs(span.durationMs))),
      el('div', { class: 'span-detail' },
        el('p', { class: 'dim' }, `${KINDS[span.kind] ?? span.kind} span ${span.spanId}`, span.parentSpanId ? `, child of ${span.parentSpanId}` : ', root',
          `, starts at +${formatMs(span.offsetMs)}`, span.service ? `, service ${span.service}` : '',
          span.status.message ? `, error: ${span.status.message}` : ''),
        el('h4', {}, 'Attributes'), attributeTable(span.attributes),
        span.events.length > 0 ? el('h4', {}, 'Events') : null,
        span.events.map((e) => el('div', { class: 'event' }, el('strong', {}, `${e.name} at +${formatMs(e.offsetMs)}`), attributeTable(e.attributes)))))
  })
  show(main, el('section', { class: 'panel' }, back,
    el('h2', {}, `Trace ${traceId}`),
    el('p', { class: 'dim' }, `${trace.spans.length} spans, ${formatMs(trace.durationMs)}, started ${formatTime(trace.start)}. `,
      el('a', { href: `${prefix}logs?text=${traceId}` }, 'Its log lines')),
    el('div', { class: 'waterfall' }, rows)))
}
