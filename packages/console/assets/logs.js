/* global history, location */
// Logs: the recent lines of the log store, filtered by level and text, each linking to its trace;
// new lines are fetched after the last one seen.
import { api, el, formatTime, main, missingNote, now, poll, query, show, traceLink } from './common.js'

const MAX_ROWS = 1000
const params = query()
const level = el('select', { name: 'level', 'aria-label': 'Least level' },
  ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((l) => el('option', { value: l }, l === 'trace' ? 'all levels' : `${l} and above`)))
level.value = params.get('level') ?? 'trace'
const text = el('input', { name: 'text', type: 'search', placeholder: 'text or trace id', 'aria-label': 'Text', value: params.get('text') ?? '' })
const form = el('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); restart() } }, level, text, el('button', { type: 'submit' }, 'Filter'))
level.addEventListener('change', restart)
const note = el('div')
const summary = el('p', { class: 'dim' })
const body = el('tbody')
show(main, el('section', { class: 'panel' }, el('h2', {}, 'Logs'), form, note, summary,
  el('div', { class: 'table-wrap' }, el('table', { class: 'logs' },
    el('thead', {}, el('tr', {}, ['Time', 'Level', 'Message', 'Trace'].map((h) => el('th', {}, h)))), body))))

let after = -1
/** Bumped when the filters change: an answer to an older query is dropped. */
let generation = 0

function row (line) {
  const fields = Object.keys(line.fields).length > 0
    ? el('details', {}, el('summary', {}, line.msg || '(no message)'), el('pre', {}, JSON.stringify(line.fields, null, 2)))
    : line.msg
  return el('tr', { class: `level-${line.level}`, dataset: { seq: line.seq } },
    el('td', { class: 'nowrap' }, formatTime(line.time)), el('td', {}, el('span', { class: `badge ${line.level}` }, line.level)),
    el('td', { class: 'message' }, fields), el('td', {}, line.traceId ? traceLink(line.traceId) : ''))
}

function filters () {
  const out = new URLSearchParams()
  if (level.value !== 'trace') out.set('level', level.value)
  if (text.value.trim()) out.set('text', text.value.trim())
  return out
}

async function refresh () {
  const mine = generation
  const search = filters()
  if (after >= 0) search.set('after', String(after))
  else search.set('limit', '200')
  const result = await api(`logs?${search}`)
  if (mine !== generation) return
  show(note, result.missing ? missingNote(result.missing) : null)
  after = result.lastSeq
  summary.textContent = `${result.held} of ${result.capacity} lines held.`
  // Newest first: new lines go on top.
  body.prepend(...result.lines.reverse().map(row))
  while (body.rows.length > MAX_ROWS) body.lastElementChild.remove()
  if (body.rows.length === 0) body.append(el('tr', { class: 'empty' }, el('td', { colspan: 4, class: 'dim' }, 'No line matches.')))
  else body.querySelector('tr.empty')?.remove()
}

function restart () {
  const search = filters().toString()
  history.replaceState(null, '', search ? `?${search}` : location.pathname)
  after = -1
  generation++
  body.replaceChildren()
  now(refresh)
}

poll(refresh, 2000)
